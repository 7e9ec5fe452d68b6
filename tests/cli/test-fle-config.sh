# seckit fle with configurations as AWS writes them: what `aws cloudfront
# get-*` prints and the bare *Config objects, one file or several; every
# problem reported by check-config; --require-fields and the notes for forms
# with no field to encrypt or decrypt.
. "$top_srcdir/tests/lib.sh"
cd "$TMP" || exit 1
seckit keygen rsa --out priv.pem --public-out pub.pem >/dev/null 2>&1 || { fail setup "keygen"; finish; }
printf 'Name=Jane+Doe&Phone=404-555-0150\n' >form.txt
printf 'Name=Jane+Doe&City=Paris\n' >nophone.txt
KEY=namespace=FLEDemo,name=DemoPublicKey,file=priv.pem
pem=$(awk '{printf "%s\\n", $0}' pub.pem)

# What `aws cloudfront get-public-key --id K2PUB` prints.
cat >get-public-key.json <<JSON
{
    "ETag": "E2QWRUHEXAMPLE",
    "PublicKey": {
        "Id": "K2PUB",
        "CreatedTime": "2026-12-01T10:00:00.000Z",
        "PublicKeyConfig": {
            "CallerReference": "cli-example",
            "Name": "DemoPublicKey",
            "EncodedKey": "$pem",
            "Comment": "FLE key"
        }
    }
}
JSON
# get-field-level-encryption-profile --id P2PROF
cat >get-profile.json <<JSON
{
    "ETag": "E1PROFEXAMPLE",
    "FieldLevelEncryptionProfile": {
        "Id": "P2PROF",
        "LastModifiedTime": "2026-12-01T10:05:00.000Z",
        "FieldLevelEncryptionProfileConfig": {
            "Name": "DemoProfile",
            "CallerReference": "cli-example",
            "Comment": "Phone numbers",
            "EncryptionEntities": {
                "Quantity": 1,
                "Items": [
                    {
                        "PublicKeyId": "K2PUB",
                        "ProviderId": "FLEDemo",
                        "FieldPatterns": { "Quantity": 1, "Items": [ "Phone" ] }
                    }
                ]
            }
        }
    }
}
JSON
# get-field-level-encryption --id C3CONF
cat >get-fle.json <<JSON
{
    "ETag": "E2P4Z4VEXAMPLE",
    "FieldLevelEncryption": {
        "Id": "C3CONF",
        "LastModifiedTime": "2026-12-01T10:10:00.000Z",
        "FieldLevelEncryptionConfig": {
            "CallerReference": "cli-example",
            "Comment": "Example FLE configuration",
            "QueryArgProfileConfig": {
                "ForwardWhenQueryArgProfileIsUnknown": true,
                "QueryArgProfiles": { "Quantity": 0, "Items": [] }
            },
            "ContentTypeProfileConfig": {
                "ForwardWhenContentTypeIsUnknown": true,
                "ContentTypeProfiles": {
                    "Quantity": 1,
                    "Items": [
                        { "Format": "URLEncoded", "ProfileId": "P2PROF",
                          "ContentType": "application/x-www-form-urlencoded" }
                    ]
                }
            }
        }
    }
}
JSON

if check get_outputs_valid 0 fle check-config get-public-key.json get-profile.json get-fle.json; then
    grep -q '^get-public-key.json, get-profile.json, get-fle.json: valid: 1 profile (DemoProfile), with a FieldLevelEncryptionConfig$' "$OUT" &&
        pass get_outputs_valid || fail get_outputs_valid "$(cat "$OUT")"
fi
if check get_outputs_encrypt 0 fle encrypt --config get-public-key.json --config get-profile.json \
    --config get-fle.json --in form.txt --out enc.txt; then
    grep -q '^Name=Jane+Doe&Phone=AYAB' enc.txt && pass get_outputs_encrypt || fail get_outputs_encrypt "$(cut -c1-60 enc.txt)"
fi
check get_outputs_decrypt 0 fle decrypt --raw-rsa-key "$KEY" --config get-public-key.json \
    --config get-profile.json --in enc.txt && cmp -s "$OUT" form.txt && pass get_outputs_decrypt

# The -config variants ({"XConfig": {...}, "ETag"}) and bare *Config objects
# (what create-* takes): no Id, so references use the Name.
sed -n '/"PublicKeyConfig": {/,/^        }/p' get-public-key.json | sed '1s/.*/{/;$s/.*/}/' >bare-key.json
cat >key-config.json <<JSON
{ "ETag": "E1", "PublicKeyConfig": $(cat bare-key.json) }
JSON
cat >bare-profile.json <<JSON
{ "Name": "BareProfile", "CallerReference": "r9",
  "EncryptionEntities": { "Quantity": 1, "Items": [ { "PublicKeyId": "DemoPublicKey", "ProviderId": "FLEDemo",
    "FieldPatterns": { "Quantity": 1, "Items": [ "Phone" ] } } ] } }
JSON
cat >bare-config.json <<JSON
{ "CallerReference": "c9",
  "ContentTypeProfileConfig": { "ForwardWhenContentTypeIsUnknown": false,
    "ContentTypeProfiles": { "Quantity": 1, "Items": [
      { "ContentType": "application/x-www-form-urlencoded", "Format": "URLEncoded", "ProfileId": "BareProfile" } ] } } }
JSON
sed -n '/"FieldLevelEncryptionConfig": {/,/^        }/p' get-fle.json | sed '1s/.*/{/;$s/.*/}/' >inner-fle.json
printf '{ "ETag": "E9", "FieldLevelEncryptionConfig": %s }\n' "$(sed 's/P2PROF/BareProfile/' inner-fle.json)" >fle-config.json
check bare_configs_valid 0 fle check-config bare-key.json bare-profile.json bare-config.json &&
    grep -q 'valid: 1 profile (BareProfile), with a FieldLevelEncryptionConfig' "$OUT" && pass bare_configs_valid
check config_variants_valid 0 fle check-config key-config.json bare-profile.json fle-config.json &&
    grep -q 'valid: 1 profile (BareProfile), with a FieldLevelEncryptionConfig' "$OUT" && pass config_variants_valid
check bare_configs_encrypt 0 fle encrypt --config bare-key.json --config bare-profile.json \
    --config bare-config.json --in form.txt && grep -q '^Name=Jane+Doe&Phone=AYAB' "$OUT" && pass bare_configs_encrypt
# A bare key has no Id: a profile naming it by the Id AWS gave is refused, naming the file.
check_stderr bare_key_by_id 3 'get-profile.json: .*PublicKeyId: no public key has the Id or Name "K2PUB"' \
    fle check-config bare-key.json get-profile.json
# One file alone: still fine for a seckit file; a profile alone lacks its key.
check_stderr profile_alone 3 'no public key' fle check-config get-profile.json
# Two configurations: refused, naming both files.
check_stderr two_configs 3 'bare-config.json: FieldLevelEncryptionConfig: a second FieldLevelEncryptionConfig \(the first is in get-fle.json\)' \
    fle check-config get-public-key.json get-profile.json get-fle.json bare-config.json

# A file in no known shape: the message lists the accepted shapes.
printf '{ "DistributionConfig": {} }\n' >other.json
if check unknown_shape 3 fle check-config other.json; then
    if one_line unknown_shape && grep -q '^seckit: fle: other.json: FLE configuration: not a shape seckit knows; expected one of:' "$ERR" &&
        grep -q 'get-public-key' "$ERR" && grep -q 'get-field-level-encryption-profile' "$ERR" &&
        grep -q 'FieldLevelEncryptionConfig' "$ERR" && grep -q 'public_keys' "$ERR"; then
        pass unknown_shape
    else
        fail unknown_shape "$(cat "$ERR")"
    fi
fi
check_stderr unknown_shape_encrypt 3 'not a shape seckit knows; expected one of' \
    fle encrypt --config get-public-key.json --config other.json --in form.txt
printf '[1, 2]\n' >array.json
check_stderr not_an_object 3 'array.json: FLE configuration: the document must be a JSON object \(one of:' \
    fle check-config array.json
# An extra member beside a get-* wrapper is refused, as typos are.
sed 's/"ETag"/"Etag"/' get-public-key.json >typo.json
check_stderr wrapper_typo 3 'typo.json: Etag: unknown element' fle check-config typo.json get-profile.json

# check-config reports every problem in one run, each with its file and
# path; then the count.
sed -e 's/"Name": "DemoProfile"/"Name": "Demo Profile"/' -e 's/"Items": \[ "Phone" \]/"Items": [ "Ph one" ]/' \
    get-profile.json >bad-profile.json
sed 's/"Format": "URLEncoded"/"Format": "JSON"/' get-fle.json >bad-fle.json
printf '{ "PublicKey": { "Id": "K9", "PublicKeyConfig": { "Name": "Other", "EncodedKey": "not a key" } } }\n' >bad-key.json
printf '{ "public_keys": [ \n' >broken.json
if check all_problems 3 fle check-config get-public-key.json bad-profile.json bad-fle.json bad-key.json broken.json; then
    if grep -q '^seckit: fle: bad-profile.json: FieldLevelEncryptionProfile.FieldLevelEncryptionProfileConfig.Name: ' "$ERR" &&
        grep -q '^seckit: fle: bad-fle.json: FieldLevelEncryption.FieldLevelEncryptionConfig.ContentTypeProfileConfig.ContentTypeProfiles.Items\[0\].Format: "JSON" is not supported' "$ERR" &&
        grep -q '^seckit: fle: bad-key.json: PublicKey.PublicKeyConfig.EncodedKey: ' "$ERR" &&
        grep -q '^seckit: fle: broken.json: FLE configuration: not valid JSON at line' "$ERR" &&
        grep -q '^seckit: fle: 4 problems found$' "$ERR"; then
        pass all_problems
    else
        fail all_problems "$(tr '\n' '|' <"$ERR")"
    fi
fi
# Problems inside one profile are all reported (each entity), and a profile
# that failed is still known: the configuration's reference to it adds none.
cat >two-bad.json <<JSON
{ "public_keys": [ { "Id": "K1", "Name": "DemoPublicKey", "EncodedKey": "$pem" } ],
  "profiles": [ { "Id": "P1", "Name": "Prof", "CallerReference": "r",
    "EncryptionEntities": { "Quantity": 2, "Items": [
      { "PublicKeyId": "NOPE", "ProviderId": "FLEDemo", "FieldPatterns": { "Quantity": 1, "Items": [ "A" ] } },
      { "PublicKeyId": "K1", "ProviderId": "bad provider", "FieldPatterns": { "Quantity": 1, "Items": [ "B" ] } } ] } } ],
  "config": { "CallerReference": "c",
    "ContentTypeProfileConfig": { "ForwardWhenContentTypeIsUnknown": false,
      "ContentTypeProfiles": { "Quantity": 2, "Items": [
        { "ContentType": "application/x-www-form-urlencoded", "Format": "URLEncoded", "ProfileId": "P1" },
        { "ContentType": "text/plain", "Format": "URLEncoded" } ] } } } }
JSON
if check problems_in_one_file 3 fle check-config two-bad.json; then
    if grep -q 'two-bad.json: profiles\[0\].EncryptionEntities.Items\[0\].PublicKeyId: no public key' "$ERR" &&
        grep -q 'two-bad.json: profiles\[0\].EncryptionEntities.Items\[1\].ProviderId' "$ERR" &&
        grep -q 'two-bad.json: config.ContentTypeProfiles.Items\[1\].ContentType\|two-bad.json: config.ContentTypeProfileConfig.ContentTypeProfiles.Items\[1\].ContentType' "$ERR" &&
        ! grep -q 'no profile has the Id' "$ERR" && grep -q '^seckit: fle: 3 problems found$' "$ERR"; then
        pass problems_in_one_file
    else
        fail problems_in_one_file "$(tr '\n' '|' <"$ERR")"
    fi
fi
# encrypt stops at the first problem, saying how many more check-config finds.
check_stderr encrypt_first_problem 3 'and 2 more problems: see seckit fle check-config' \
    fle encrypt --config two-bad.json --in form.txt
# A file that cannot be read: one line, exit 5.
check_stderr missing_file 5 'nothing.json' fle check-config get-public-key.json nothing.json
check check_config_no_file 2 fle check-config && pass check_config_no_file
check check_config_option 2 fle check-config --frob get-fle.json && pass check_config_option

# Forms with no field to encrypt or decrypt: a note on stderr, the body
# unchanged; --require-fields makes it an error (exit 3), nothing written.
if check encrypt_no_field_note 0 fle encrypt --config get-public-key.json --config get-profile.json \
    --config get-fle.json --in nophone.txt; then
    cmp -s "$OUT" nophone.txt && grep -q "no field that the profile's patterns match" "$ERR" &&
        pass encrypt_no_field_note || fail encrypt_no_field_note "$(cat "$ERR")"
fi
if check encrypt_require_fields 3 fle encrypt --config get-public-key.json --config get-profile.json \
    --config get-fle.json --require-fields --in nophone.txt --out never.txt; then
    [ ! -e never.txt ] && one_line encrypt_require_fields && grep -q -- '--require-fields' "$ERR" &&
        pass encrypt_require_fields || fail encrypt_require_fields "$(cat "$ERR")"
fi
check encrypt_require_fields_ok 0 fle encrypt --public-key pub.pem --provider FLEDemo --key-name DemoPublicKey \
    --field Phone --require-fields --in form.txt --out enc2.txt && [ ! -s "$ERR" ] && pass encrypt_require_fields_ok
check encrypt_direct_require 3 fle encrypt --public-key pub.pem --provider FLEDemo --key-name DemoPublicKey \
    --field Phone --require-fields --in nophone.txt && pass encrypt_direct_require
# A request no profile applies to (forwarded): a note, or an error with --require-fields.
check encrypt_forward_require 3 fle encrypt --config get-public-key.json --config get-profile.json \
    --config get-fle.json --content-type text/plain --require-fields --in form.txt &&
    grep -q 'no profile applies' "$ERR" && pass encrypt_forward_require
if check decrypt_no_field_note 0 fle decrypt --raw-rsa-key "$KEY" --config get-public-key.json \
    --config get-profile.json --in nophone.txt; then
    cmp -s "$OUT" nophone.txt && grep -q 'no field to decrypt' "$ERR" && pass decrypt_no_field_note ||
        fail decrypt_no_field_note "$(cat "$ERR")"
fi
check decrypt_require_fields 3 fle decrypt --raw-rsa-key "$KEY" --config get-public-key.json \
    --config get-profile.json --require-fields --in nophone.txt --out never.txt && [ ! -e never.txt ] &&
    grep -q -- '--require-fields: the form has no field to decrypt' "$ERR" && pass decrypt_require_fields
check decrypt_require_fields_ok 0 fle decrypt --raw-rsa-key "$KEY" --config get-public-key.json \
    --config get-profile.json --require-fields --in enc.txt && cmp -s "$OUT" form.txt && [ ! -s "$ERR" ] &&
    pass decrypt_require_fields_ok
check decrypt_any_no_field 0 fle decrypt --raw-rsa-key "$KEY" --any-encrypted-field --in nophone.txt &&
    grep -q 'no field to decrypt' "$ERR" && pass decrypt_any_no_field
# --lines: the lines without a field are counted; --require-fields refuses the batch.
{ cat enc.txt; cat nophone.txt; cat enc.txt; cat nophone.txt; } >batch.txt
if check lines_no_field_note 0 fle decrypt --raw-rsa-key "$KEY" --config get-public-key.json \
    --config get-profile.json --lines --in batch.txt; then
    grep -q '2 of the forms (the first on line 2) had no field to decrypt' "$ERR" &&
        [ "$(grep -c 404-555-0150 "$OUT")" -eq 2 ] && pass lines_no_field_note || fail lines_no_field_note "$(cat "$ERR")"
fi
check lines_require_fields 3 fle decrypt --raw-rsa-key "$KEY" --config get-public-key.json \
    --config get-profile.json --lines --threads 2 --require-fields --in batch.txt --out never.txt &&
    [ ! -e never.txt ] && grep -q '2 lines (the first is line 2) have no field to decrypt' "$ERR" &&
    pass lines_require_fields
check_stderr decrypt_value_require 2 'decrypt-value takes no' fle decrypt-value --keys-dir . --require-fields x
# Too many --config files is a usage error.
set --
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17; do set -- "$@" --config get-fle.json; done
check_stderr too_many_configs 2 'too many --config' fle encrypt "$@" --in form.txt
finish

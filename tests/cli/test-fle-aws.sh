# seckit fle with AWS: the decryption key from SSM Parameter Store
# (--private-key-ssm-parameter) and `fle push` (CloudFront CreatePublicKey,
# CreateFieldLevelEncryptionProfile, CreateFieldLevelEncryptionConfig),
# against the loopback mock AWS server (tests/aws/mock_aws).
. "$top_srcdir/tests/lib.sh"
cd "$TMP" || exit 1
mkdir ssm
seckit keygen rsa --out ssm/fle-key.pem --public-out pub.pem >/dev/null 2>&1 || { fail setup "keygen"; finish; }
seckit keygen rsa --out other.pem --public-out other.pub >/dev/null 2>&1 || { fail setup "keygen"; finish; }

start_mock fle_aws fle_aws_mock_started MOCK_SSM_DIR="$TMP/ssm" MOCK_LOG=1
for v in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE AWS_REGION \
    AWS_DEFAULT_REGION AWS_ENDPOINT_URL AWS_ENDPOINT_URL_SSM AWS_ENDPOINT_URL_CLOUDFRONT \
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_DEFAULT_PROFILE; do
    unset $v
done
export HOME="$TMP" AWS_EC2_METADATA_DISABLED=true AWS_MAX_ATTEMPTS=1
export AWS_CONFIG_FILE="$TMP/config" AWS_SHARED_CREDENTIALS_FILE="$TMP/credentials"
export AWS_ACCESS_KEY_ID=AKIDMOCKEXAMPLE AWS_SECRET_ACCESS_KEY='mockSecret/K7MDENG+bPxRfiCYEXAMPLEKEY'
# Requests the mock has seen so far.
nreq() { grep -c '^REQ ' "$TMP/log"; }

# ---- the private key from SSM Parameter Store
printf 'Name=Jane+Doe&Phone=404-555-0150\n' >form.txt
seckit fle encrypt --public-key pub.pem --provider FLEDemo --key-name DemoPublicKey \
    --field Phone --in form.txt --out enc.txt 2>"$ERR" || fail setup "encrypt: $(cat "$ERR")"
SSM_KEY="--private-key-ssm-parameter /seckit/test/file/fle-key.pem --provider FLEDemo --key-name DemoPublicKey"
SSM="--field Phone $SSM_KEY"
# shellcheck disable=SC2086
if check ssm_decrypt 0 fle decrypt $SSM --endpoint-url "$url" --region us-east-1 --in enc.txt; then
    if cmp -s "$OUT" form.txt && grep -q 'REQ ssm POST AmazonSSM.GetParameter' "$TMP/log"; then
        pass ssm_decrypt
    else
        fail ssm_decrypt "output differs or no GetParameter request"
    fi
fi
# The key never reaches the output or the messages.
if grep -q 'PRIVATE KEY' "$OUT" "$ERR"; then fail ssm_key_not_printed "key text printed"; else pass ssm_key_not_printed; fi
V=$(sed 's/.*Phone=//' enc.txt)
# shellcheck disable=SC2086
if check ssm_decrypt_value 0 fle decrypt-value $SSM_KEY --endpoint-url "$url" --region us-east-1 "$V"; then
    [ "$(cat "$OUT")" = 404-555-0150 ] && pass ssm_decrypt_value || fail ssm_decrypt_value "got $(cat "$OUT")"
fi
# With a local key too (rotation): the SSM key still decrypts its EDK.
# shellcheck disable=SC2086
check ssm_with_raw_key 0 fle decrypt $SSM --raw-rsa-key namespace=FLEDemo,name=OldKey,file=other.pem \
    --endpoint-url "$url" --region us-east-1 --in enc.txt && cmp -s "$OUT" form.txt && pass ssm_with_raw_key
# The wrong key name: the usual unknown-key error, exit 3.
check ssm_wrong_key_name 3 fle decrypt --field Phone --private-key-ssm-parameter /seckit/test/file/fle-key.pem \
    --provider FLEDemo --key-name Other --endpoint-url "$url" --region us-east-1 --in enc.txt &&
    one_line ssm_wrong_key_name && pass ssm_wrong_key_name
# A parameter that does not exist: exit 6, ParameterNotFound shown, nothing written.
if check ssm_not_found 6 fle decrypt --field Phone --private-key-ssm-parameter /seckit/test/file/missing.pem \
    --provider FLEDemo --key-name DemoPublicKey --endpoint-url "$url" --region us-east-1 \
    --in enc.txt --out clear.txt; then
    if [ -e clear.txt ]; then
        fail ssm_not_found "output written"
    elif one_line ssm_not_found && grep -q 'ParameterNotFound' "$ERR" && grep -q 'missing.pem' "$ERR"; then
        pass ssm_not_found
    else
        fail ssm_not_found "$(cat "$ERR")"
    fi
fi
# A String (not SecureString) parameter is refused: exit 3.
check ssm_not_secure 3 fle decrypt --field Phone --private-key-ssm-parameter /seckit/test/plain --provider FLEDemo \
    --key-name DemoPublicKey --endpoint-url "$url" --region us-east-1 --in enc.txt &&
    grep -q 'SecureString' "$ERR" && pass ssm_not_secure
# A SecureString that is not a key: exit 3, and its value is not shown.
check ssm_not_a_key 3 fle decrypt --field Phone --private-key-ssm-parameter /seckit/test/pem --provider FLEDemo \
    --key-name DemoPublicKey --endpoint-url "$url" --region us-east-1 --in enc.txt &&
    ! grep -q 'MOCK' "$ERR" && pass ssm_not_a_key
# Bad credentials: exit 6 with the AWS code.
AWS_SECRET_ACCESS_KEY=wrongSecret seckit fle decrypt $SSM --endpoint-url "$url" --region us-east-1 \
    --in enc.txt >"$OUT" 2>"$ERR"
st=$?
[ $st -eq 6 ] && grep -q 'InvalidSignatureException' "$ERR" && pass ssm_bad_signature ||
    fail ssm_bad_signature "exit $st: $(cat "$ERR")"
check ssm_needs_key_name 2 fle decrypt --private-key-ssm-parameter /x --provider FLEDemo --in enc.txt &&
    pass ssm_needs_key_name
check aws_opts_need_ssm 2 fle decrypt --keys-dir . --region us-east-1 --in enc.txt && pass aws_opts_need_ssm

# ---- push
PEM=$(awk '{printf "%s\\n", $0}' pub.pem)
cat >fle.json <<EOC
{
  "public_keys": [ { "Id": "K1", "Name": "DemoPublicKey", "EncodedKey": "$PEM",
                     "Comment": "seed key" } ],
  "profiles": [
    { "Id": "P1", "Name": "DemoProfile", "CallerReference": "r1",
      "EncryptionEntities": { "Items": [
        { "PublicKeyId": "K1", "ProviderId": "FLEDemo",
          "FieldPatterns": { "Quantity": 1, "Items": ["Phone"] } } ] } },
    { "Name": "CardProfile", "CallerReference": "r2",
      "EncryptionEntities": { "Quantity": 1, "Items": [
        { "PublicKeyId": "DemoPublicKey", "ProviderId": "FLEDemo",
          "FieldPatterns": { "Items": ["Card*"] } } ] } } ],
  "config": { "CallerReference": "c1", "Comment": "demo",
    "ContentTypeProfileConfig": { "ForwardWhenContentTypeIsUnknown": false,
      "ContentTypeProfiles": { "Quantity": 1, "Items": [
        { "ContentType": "application/x-www-form-urlencoded", "Format": "URLEncoded",
          "ProfileId": "P1" } ] } },
    "QueryArgProfileConfig": { "ForwardWhenQueryArgProfileIsUnknown": false,
      "QueryArgProfiles": { "Items": [ { "QueryArg": "card", "ProfileId": "CardProfile" } ] } } }
}
EOC
seckit fle check-config fle.json >/dev/null 2>"$ERR" || fail setup "check-config: $(cat "$ERR")"

# An invalid configuration: exit 3, and no request at all.
sed 's/"Phone"/"Ph one"/' fle.json >bad.json
before=$(nreq)
if check push_invalid 3 fle push --config bad.json --endpoint-url "$url"; then
    if [ "$(nreq)" -ne "$before" ]; then
        fail push_invalid "a request was sent"
    elif grep -q 'FieldPatterns.Items\[0\]' "$ERR" && grep -q 'nothing was sent' "$ERR"; then
        pass push_invalid
    else
        fail push_invalid "$(cat "$ERR")"
    fi
fi

before=$(nreq)
if check push_creates 0 fle push --config fle.json --endpoint-url "$url"; then
    # Order: key, then the two profiles, then the configuration.
    order=$(sed -n 's/^REQ cloudfront POST //p' "$TMP/log" | tr '\n' ' ')
    kid=$(sed -n 's/^CF-CREATED 0 \([^ ]*\) DemoPublicKey .*/\1/p' "$TMP/log")
    p1=$(sed -n 's/^CF-CREATED 1 \([^ ]*\) DemoProfile .*/\1/p' "$TMP/log")
    p2=$(sed -n 's/^CF-CREATED 1 \([^ ]*\) CardProfile .*/\1/p' "$TMP/log")
    cid=$(sed -n 's/^CF-CREATED 2 \([^ ]*\) .*/\1/p' "$TMP/log")
    want="/2020-05-31/public-key /2020-05-31/field-level-encryption-profile /2020-05-31/field-level-encryption-profile /2020-05-31/field-level-encryption "
    if [ "$order" != "$want" ]; then
        fail push_creates "order: $order"
    elif [ -z "$kid" ] || [ -z "$p1" ] || [ -z "$p2" ] || [ -z "$cid" ]; then
        fail push_creates "not all created: $(grep CF-CREATED "$TMP/log" | cut -c1-80 | tr '\n' '|')"
    elif ! grep "^CF-CREATED 1 $p1 " "$TMP/log" | grep -q "<PublicKeyId>$kid</PublicKeyId>" ||
        ! grep "^CF-CREATED 1 $p2 " "$TMP/log" | grep -q "<PublicKeyId>$kid</PublicKeyId>"; then
        fail push_creates "profiles do not name the created key $kid"
    elif ! grep "^CF-CREATED 2 " "$TMP/log" | grep -q "<ProfileId>$p1</ProfileId>.*<ContentType>" ||
        ! grep "^CF-CREATED 2 " "$TMP/log" | grep -q "<QueryArg>card</QueryArg><ProfileId>$p2</ProfileId>"; then
        fail push_creates "configuration does not name the created profiles: $(grep '^CF-CREATED 2' "$TMP/log")"
    elif grep -q "^public key  *DemoPublicKey  *$kid\$" "$OUT" && grep -q "^profile  *DemoProfile  *$p1\$" "$OUT" &&
        grep -q "^profile  *CardProfile  *$p2\$" "$OUT" && grep -q "^configuration  *$cid\$" "$OUT"; then
        pass push_creates
    else
        fail push_creates "output: $(tr '\n' '|' <"$OUT")"
    fi
    # Quantity was filled in where the file left it out.
    grep "^CF-CREATED 1 $p1 " "$TMP/log" | grep -q '<EncryptionEntities><Quantity>1</Quantity>' &&
        grep "^CF-CREATED 1 $p2 " "$TMP/log" | grep -q '<FieldPatterns><Quantity>1</Quantity>' &&
        pass push_quantity || fail push_quantity "$(grep "^CF-CREATED 1" "$TMP/log")"
fi

# A later create fails (the profile names exist now): exit 6, and the key
# that was created is named with its Id.
sed -e 's/"DemoPublicKey"/"SecondKey"/g' fle.json >again.json
if check push_partial 6 fle push --config again.json --endpoint-url "$url"; then
    k2=$(sed -n 's/^CF-CREATED 0 \([^ ]*\) SecondKey .*/\1/p' "$TMP/log")
    if [ -n "$k2" ] && grep -q 'FieldLevelEncryptionProfileAlreadyExists' "$ERR" &&
        grep -q "already created in CloudFront.*public key SecondKey (Id $k2)" "$ERR"; then
        pass push_partial
    else
        fail push_partial "$(cat "$ERR")"
    fi
fi

# JSON output.
sed -e 's/DemoPublicKey/JsonKey/g; s/DemoProfile/JsonProfile/; s/CardProfile/JsonCard/g' fle.json >j.json
if check push_json 0 fle push --config j.json --endpoint-url "$url" --output json; then
    if python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
assert [k["Name"] for k in d["PublicKeys"]] == ["JsonKey"]
assert [p["Name"] for p in d["FieldLevelEncryptionProfiles"]] == ["JsonProfile", "JsonCard"]
assert d["FieldLevelEncryptionConfig"]["Id"]' "$OUT" 2>/dev/null; then
        pass push_json
    elif ! command -v python3 >/dev/null 2>&1; then
        grep -q '"FieldLevelEncryptionConfig"' "$OUT" && pass push_json || fail push_json "$(cat "$OUT")"
    else
        fail push_json "$(cat "$OUT")"
    fi
fi
# The shapes CloudFront returns ({"Id", "PublicKeyConfig"}, {"Id",
# "FieldLevelEncryptionProfileConfig"}, {"FieldLevelEncryptionConfig"}) push too.
cat >wrapped.json <<EOC
{
  "public_keys": [ { "Id": "OLDKEYID", "PublicKeyConfig": { "CallerReference": "wk",
                     "Name": "WrappedKey", "EncodedKey": "$PEM" } } ],
  "profiles": [ { "Id": "OLDPROFILEID", "FieldLevelEncryptionProfileConfig": {
      "Name": "WrappedProfile", "CallerReference": "wp",
      "EncryptionEntities": { "Quantity": 1, "Items": [
        { "PublicKeyId": "OLDKEYID", "ProviderId": "FLEDemo",
          "FieldPatterns": { "Quantity": 1, "Items": ["Phone"] } } ] } } } ],
  "config": { "FieldLevelEncryptionConfig": { "CallerReference": "wc",
    "ContentTypeProfileConfig": { "ForwardWhenContentTypeIsUnknown": true,
      "ContentTypeProfiles": { "Quantity": 1, "Items": [
        { "ContentType": "application/x-www-form-urlencoded", "Format": "URLEncoded",
          "ProfileId": "OLDPROFILEID" } ] } } } }
}
EOC
if check push_wrapped 0 fle push --config wrapped.json --endpoint-url "$url"; then
    wk=$(sed -n 's/^CF-CREATED 0 \([^ ]*\) WrappedKey .*/\1/p' "$TMP/log")
    wp=$(sed -n 's/^CF-CREATED 1 \([^ ]*\) WrappedProfile .*/\1/p' "$TMP/log")
    if [ -n "$wk" ] && [ -n "$wp" ] && ! grep -q 'OLDKEYID\|OLDPROFILEID' "$TMP/log" &&
        grep "^CF-CREATED 1 $wp " "$TMP/log" | grep -q "<PublicKeyId>$wk</PublicKeyId>" &&
        grep "^CF-CREATED 2 " "$TMP/log" | tail -1 | grep -q "<ProfileId>$wp</ProfileId>"; then
        pass push_wrapped
    else
        fail push_wrapped "$(grep 'Wrapped\|^CF-CREATED 2' "$TMP/log" | cut -c1-200 | tr '\n' '|')"
    fi
fi
# The files `aws cloudfront get-*` prints in one account, pushed to another:
# one --config per file, Ids from the old account mapped to the new ones.
cat >gk.json <<EOC
{ "ETag": "E1", "PublicKey": { "Id": "K9OLD", "CreatedTime": "2026-01-01T00:00:00Z",
  "PublicKeyConfig": { "CallerReference": "gk", "Name": "GetKey", "EncodedKey": "$PEM" } } }
EOC
cat >gp.json <<EOC
{ "ETag": "E2", "FieldLevelEncryptionProfile": { "Id": "P9OLD", "LastModifiedTime": "2026-01-01T00:00:00Z",
  "FieldLevelEncryptionProfileConfig": { "Name": "GetProfile", "CallerReference": "gp",
    "EncryptionEntities": { "Quantity": 1, "Items": [ { "PublicKeyId": "K9OLD", "ProviderId": "FLEDemo",
      "FieldPatterns": { "Quantity": 1, "Items": ["Phone"] } } ] } } } }
EOC
cat >gc.json <<EOC
{ "ETag": "E3", "FieldLevelEncryptionConfig": { "CallerReference": "gc",
  "ContentTypeProfileConfig": { "ForwardWhenContentTypeIsUnknown": true,
    "ContentTypeProfiles": { "Quantity": 1, "Items": [ { "ContentType": "application/x-www-form-urlencoded",
      "Format": "URLEncoded", "ProfileId": "P9OLD" } ] } } } }
EOC
if check push_get_outputs 0 fle push --config gk.json --config gp.json --config gc.json --endpoint-url "$url"; then
    gk=$(sed -n 's/^CF-CREATED 0 \([^ ]*\) GetKey .*/\1/p' "$TMP/log")
    gp=$(sed -n 's/^CF-CREATED 1 \([^ ]*\) GetProfile .*/\1/p' "$TMP/log")
    if [ -n "$gk" ] && [ -n "$gp" ] && ! grep -q 'K9OLD\|P9OLD\|ETag' "$TMP/log" &&
        grep "^CF-CREATED 1 $gp " "$TMP/log" | grep -q "<PublicKeyId>$gk</PublicKeyId>" &&
        grep "^CF-CREATED 2 " "$TMP/log" | tail -1 | grep -q "<ProfileId>$gp</ProfileId>"; then
        pass push_get_outputs
    else
        fail push_get_outputs "$(grep 'Get\|^CF-CREATED 2' "$TMP/log" | cut -c1-200 | tr '\n' '|')"
    fi
fi
# A file of an unknown shape among them: refused before any request.
printf '{ "DistributionConfig": {} }\n' >dist.json
before=$(nreq)
if check push_unknown_shape 3 fle push --config gk.json --config dist.json --endpoint-url "$url"; then
    [ "$(nreq)" = "$before" ] && grep -q 'dist.json: .*expected one of' "$ERR" &&
        grep -q 'nothing was sent to CloudFront' "$ERR" && pass push_unknown_shape ||
        fail push_unknown_shape "$(cat "$ERR")"
fi
# --debug shows the CloudFront requests on stderr, without the secret.
sed 's/GetKey/DebugKey/' gk.json >dk.json
if check push_debug 0 fle push --config dk.json --endpoint-url "$url" --debug; then
    grep -q '^seckit: debug: request (attempt 1): POST .*/2020-05-31/public-key' "$ERR" &&
        ! grep -qF "$(printenv AWS_SECRET_ACCESS_KEY)" "$ERR" && pass push_debug ||
        fail push_debug "$(tr '\n' '|' <"$ERR" | head -c 600)"
fi
check push_needs_config 2 fle push --endpoint-url "$url" && pass push_needs_config
check push_bad_output 2 fle push --config fle.json --output yaml && pass push_bad_output
check push_help 0 fle push --help && grep -q -- '--private-key-ssm-parameter' "$OUT" && pass push_help

stop_mock
finish

# seckit fle: encrypt as CloudFront, decrypt at the origin, check-config.
. "$top_srcdir/tests/lib.sh"
cd "$TMP" || exit 1

seckit keygen rsa --out priv.pem --public-out pub.pem >/dev/null 2>&1 || { fail setup "keygen"; finish; }
seckit keygen rsa --out other.pem --public-out other.pub >/dev/null 2>&1 || { fail setup "keygen"; finish; }
printf 'Name=Jane+Doe&Phone=404-555-0150\n' >form.txt
KEY=namespace=FLEDemo,name=DemoPublicKey,file=priv.pem


# The seed's form, encrypted as CloudFront would and decrypted at the origin.
if check encrypt_seed_form 0 fle encrypt --public-key pub.pem --provider FLEDemo \
    --key-name DemoPublicKey --field Phone --in form.txt --out enc.txt; then
    if grep -q '^Name=Jane+Doe&Phone=AYABe' enc.txt && ! grep -q 404 enc.txt; then
        pass encrypt_seed_form
    else
        fail encrypt_seed_form "unexpected output: $(cut -c1-60 enc.txt)"
    fi
fi
if check decrypt_seed_form 0 fle decrypt --field Phone --raw-rsa-key "$KEY" --in enc.txt; then
    if cmp -s "$OUT" form.txt; then pass decrypt_seed_form; else fail decrypt_seed_form "output differs"; fi
fi
# stdin/stdout, and --keys-dir DIR/PROVIDER/KEYNAME.pem
mkdir -p keys/FLEDemo && cp -p priv.pem keys/FLEDemo/DemoPublicKey.pem
if seckit fle decrypt --field Phone --keys-dir keys <enc.txt >"$OUT" 2>"$ERR" && cmp -s "$OUT" form.txt; then
    pass decrypt_keys_dir
else
    fail decrypt_keys_dir "$(cat "$ERR")"
fi
# decrypt-value, with the value as it is in the body (percent-encoded)
V=$(sed 's/.*Phone=//' enc.txt)
if check decrypt_value 0 fle decrypt-value --keys-dir keys "$V"; then
    if [ "$(cat "$OUT")" = 404-555-0150 ]; then pass decrypt_value; else fail decrypt_value "got $(cat "$OUT")"; fi
fi
# Unknown key: a clear one-line error naming provider and key name, exit 3.
if check unknown_key_name 3 fle decrypt --field Phone --raw-rsa-key namespace=FLEDemo,name=OldKey,file=priv.pem --in enc.txt &&
    one_line unknown_key_name; then
    if grep -q "no key for provider id 'FLEDemo' and key name 'DemoPublicKey' (keys loaded: FLEDemo/OldKey)" "$ERR"; then
        pass unknown_key_name
    else
        fail unknown_key_name "$(cat "$ERR")"
    fi
fi
check unknown_provider 3 fle decrypt --field Phone --raw-rsa-key namespace=Other,name=DemoPublicKey,file=priv.pem --in enc.txt &&
    grep -q "provider id 'FLEDemo'" "$ERR" && pass unknown_provider
# The right name with the wrong key: authentication failure, exit 4, nothing written.
if check wrong_key 4 fle decrypt --field Phone --raw-rsa-key namespace=FLEDemo,name=DemoPublicKey,file=other.pem \
    --in enc.txt --out clear.txt; then
    if [ -e clear.txt ]; then fail wrong_key "output written"; else pass wrong_key; fi
fi
# Not a form body: exit 3.
printf '{"Phone":"x"}' >json.txt
check not_a_form 3 fle decrypt --field Phone --raw-rsa-key "$KEY" --in json.txt && one_line not_a_form &&
    grep -q 'not an application/x-www-form-urlencoded body' "$ERR" && pass not_a_form
# Malformed percent escape: the offset is given.
printf 'a=%%4' >badpct.txt
check bad_percent 3 fle encrypt --public-key pub.pem --provider FLEDemo --key-name K --field a \
    --in badpct.txt && grep -q 'offset 2' "$ERR" && pass bad_percent
# Field over 16 KB: refused.
{ printf 'Phone='; head -c 16385 /dev/zero | tr '\0' 'a'; } >big.txt
check field_over_quota 3 fle encrypt --public-key pub.pem --provider FLEDemo --key-name K \
    --field Phone --in big.txt && grep -q '16384' "$ERR" && pass field_over_quota
# Not RSA-2048: refused.
seckit keygen rsa --bits 3072 --out k3.pem --public-out k3.pub >/dev/null 2>&1
check rsa2048_only 3 fle encrypt --public-key k3.pub --provider FLEDemo --key-name K --field Phone \
    --in form.txt && grep -q 'RSA-3072' "$ERR" && pass rsa2048_only
# Insecure key file refused unless allowed.
chmod 644 keys/FLEDemo/DemoPublicKey.pem
check insecure_key 5 fle decrypt --field Phone --keys-dir keys --in enc.txt && grep -q 'chmod 600' "$ERR" &&
    check insecure_key_allowed 0 fle decrypt --field Phone --keys-dir keys --allow-insecure-key-file --in enc.txt &&
    pass insecure_key
chmod 600 keys/FLEDemo/DemoPublicKey.pem
# A keys folder others can write to is refused (a key could be swapped in);
# a sticky one (as /tmp) and Kubernetes' secret-volume layout are accepted.
chmod 775 keys/FLEDemo
check_stderr keys_dir_group_writable 5 'writable by group or others \(mode 0775\)' \
    fle decrypt --field Phone --keys-dir keys --in enc.txt
chmod 755 keys/FLEDemo
chmod 777 keys
check_stderr keys_dir_world_writable 5 'chmod go-w' fle decrypt --field Phone --keys-dir keys --in enc.txt
chmod 1777 keys
check keys_dir_sticky 0 fle decrypt --field Phone --keys-dir keys --in enc.txt &&
    { cmp -s "$OUT" form.txt && pass keys_dir_sticky || fail keys_dir_sticky "output differs"; }
chmod 755 keys
mkdir -p k8s/..2026_12_07_00_00_00.1/FLEDemo && chmod 1777 k8s &&
    cp -p priv.pem k8s/..2026_12_07_00_00_00.1/FLEDemo/DemoPublicKey.pem &&
    ln -s ..2026_12_07_00_00_00.1 k8s/..data && ln -s ..data/FLEDemo k8s/FLEDemo
check keys_dir_kubernetes 0 fle decrypt --field Phone --keys-dir k8s --in enc.txt &&
    { cmp -s "$OUT" form.txt && pass keys_dir_kubernetes || fail keys_dir_kubernetes "output differs"; }
mkdir -m 770 gw && ln -s "$PWD/priv.pem" gw/priv.pem
check_stderr raw_key_in_writable_folder 5 'mode 0770' fle decrypt --field Phone \
    --raw-rsa-key namespace=FLEDemo,name=DemoPublicKey,file=gw/priv.pem --in enc.txt
# --out is atomic and not overwritten without --force.
seckit fle decrypt --field Phone --raw-rsa-key "$KEY" --in enc.txt --out o.txt 2>/dev/null
check out_exists 5 fle decrypt --field Phone --raw-rsa-key "$KEY" --in enc.txt --out o.txt &&
    check out_force 0 fle decrypt --field Phone --raw-rsa-key "$KEY" --in enc.txt --out o.txt --force &&
    cmp -s o.txt form.txt && pass out_force

# --lines with threads: same output as one thread.
: >lines.txt
i=0
while [ $i -lt 6 ]; do
    printf 'n=%d&Phone=%d-555-0150\n' $i $i >one.txt
    seckit fle encrypt --public-key pub.pem --provider FLEDemo --key-name DemoPublicKey --field Phone \
        --in one.txt >>lines.txt
    i=$((i + 1))
done
printf '\n' >>lines.txt
if seckit fle decrypt --field Phone --keys-dir keys --lines --in lines.txt >l1.txt 2>"$ERR" &&
    seckit fle decrypt --field Phone --keys-dir keys --lines --threads 3 --in lines.txt >l3.txt 2>>"$ERR" &&
    cmp -s l1.txt l3.txt && [ "$(sed -n 4p l1.txt)" = "n=3&Phone=3-555-0150" ] && [ "$(wc -l <l1.txt)" -eq 7 ]; then
    pass decrypt_lines_threads
else
    fail decrypt_lines_threads "$(cat "$ERR")"
fi
# A bad line fails the batch and names the line.
# (flip one base64 character inside the last frame's tag, away from any %XX)
awk 'NR == 3 {
    s = $0; sub(/(%3D)+$/, "", s)
    for (i = length(s) - 4; i > 0; i--)
        if (substr($0, i - 2, 5) !~ /%/) break
    c = substr($0, i, 1); r = (c == "Q") ? "R" : "Q"
    $0 = substr($0, 1, i - 1) r substr($0, i + 1)
} { print }' lines.txt >badlines.txt
seckit fle decrypt --field Phone --keys-dir keys --lines --threads 2 --in badlines.txt --out none.txt >"$OUT" 2>"$ERR"
status=$?
if [ $status -eq 4 ] && grep -q '^seckit: fle: line 3: field .Phone' "$ERR" && [ ! -e none.txt ]; then
    pass lines_bad_line
else
    fail lines_bad_line "status $status: $(cat "$ERR")"
fi

# Configuration in CloudFront's shapes.
pem=$(awk '{printf "%s\\n", $0}' pub.pem)
cat >fle.json <<JSON
{
  "public_keys": [ { "Id": "K1", "Name": "DemoPublicKey", "EncodedKey": "$pem" } ],
  "profiles": [
    { "Id": "P1", "Name": "DemoProfile", "CallerReference": "r1",
      "EncryptionEntities": { "Quantity": 1, "Items": [ { "PublicKeyId": "K1", "ProviderId": "FLEDemo",
        "FieldPatterns": { "Quantity": 1, "Items": [ "Phone" ] } } ] } },
    { "Id": "P2", "Name": "NameProfile", "CallerReference": "r2",
      "EncryptionEntities": { "Quantity": 1, "Items": [ { "PublicKeyId": "DemoPublicKey", "ProviderId": "FLEDemo",
        "FieldPatterns": { "Quantity": 1, "Items": [ "Na*" ] } } ] } } ],
  "config": { "CallerReference": "c1",
    "ContentTypeProfileConfig": { "ForwardWhenContentTypeIsUnknown": false,
      "ContentTypeProfiles": { "Quantity": 1, "Items": [
        { "ContentType": "application/x-www-form-urlencoded", "Format": "URLEncoded", "ProfileId": "P1" } ] } },
    "QueryArgProfileConfig": { "ForwardWhenQueryArgProfileIsUnknown": false,
      "QueryArgProfiles": { "Quantity": 1, "Items": [ { "QueryArg": "names", "ProfileId": "P2" } ] } } }
}
JSON
check check_config 0 fle check-config fle.json && grep -q 'valid: 2 profiles (DemoProfile, NameProfile)' "$OUT" &&
    pass check_config
check config_content_type 0 fle encrypt --config fle.json --in form.txt && grep -q '^Name=Jane+Doe&Phone=AYAB' "$OUT" &&
    pass config_content_type
check config_query_arg 0 fle encrypt --config fle.json --query 'x=1&fle-profile=names' --in form.txt &&
    grep -q '^Name=AYAB.*&Phone=404-555-0150$' "$OUT" && pass config_query_arg
check config_query_unknown 3 fle encrypt --config fle.json --query fle-profile=nope --in form.txt &&
    grep -q 'ForwardWhenQueryArgProfileIsUnknown is false' "$ERR" && pass config_query_unknown
check config_type_unknown 3 fle encrypt --config fle.json --content-type application/json --in form.txt &&
    grep -q 'ForwardWhenContentTypeIsUnknown is false' "$ERR" && pass config_type_unknown
sed 's/"ForwardWhenContentTypeIsUnknown": false/"ForwardWhenContentTypeIsUnknown": true/' fle.json >fwd.json
check config_type_forward 0 fle encrypt --config fwd.json --content-type text/plain --in form.txt &&
    cmp -s "$OUT" form.txt && grep -q 'forwarded unencrypted' "$ERR" && pass config_type_forward
check config_profile 0 fle encrypt --config fle.json --profile NameProfile --in form.txt &&
    grep -q '^Name=AYAB' "$OUT" && pass config_profile
sed 's/"Items": \[ "Na\*" \]/"Items": [ "Ph*" ]/' fle.json >bad.json
sed 's/"Items": \[ "Phone" \]/"Items": [ "Phone", "Ph*" ]/' fle.json >overlap.json
check check_config_bad 3 fle check-config overlap.json && one_line check_config_bad &&
    grep -q 'profiles\[0\].EncryptionEntities.Items\[0\].FieldPatterns.Items\[1\]: "Ph\*" overlaps "Phone"' "$ERR" &&
    pass check_config_bad
check check_config_good_after_fix 0 fle check-config bad.json && pass check_config_good_after_fix

# Only named fields are decrypted by default (no decryption oracle).
check_stderr decrypt_needs_fields 2 'name the fields to decrypt' fle decrypt --raw-rsa-key "$KEY" --in enc.txt
V=$(sed 's/.*Phone=//' enc.txt)
printf 'Phone=%s&comment=%s\n' "$V" "$V" >replay.txt
if check replay_comment_not_decrypted 0 fle decrypt --raw-rsa-key "$KEY" --field Phone --in replay.txt; then
    if grep -q '^Phone=404-555-0150&comment=AYAB' "$OUT" && [ "$(grep -o 404-555 "$OUT" | wc -l)" -eq 1 ]; then
        pass replay_comment_not_decrypted
    else
        fail replay_comment_not_decrypted "$(cut -c1-80 "$OUT")"
    fi
fi
if check replay_config_profile 0 fle decrypt --raw-rsa-key "$KEY" --config fle.json --profile DemoProfile \
    --in replay.txt; then
    grep -q '^Phone=404-555-0150&comment=AYAB' "$OUT" && pass replay_config_profile ||
        fail replay_config_profile "$(cut -c1-80 "$OUT")"
fi
if check replay_fle_profile 0 fle decrypt --raw-rsa-key "$KEY" --config fle.json --fle-profile P1 \
    --in replay.txt; then
    grep -q '^Phone=404-555-0150&comment=AYAB' "$OUT" && pass replay_fle_profile ||
        fail replay_fle_profile "$(cut -c1-80 "$OUT")"
fi
check_stderr config_needs_profile 2 'has 2 profiles' fle decrypt --raw-rsa-key "$KEY" --config fle.json --in enc.txt
if check any_encrypted_field 0 fle decrypt --raw-rsa-key "$KEY" --any-encrypted-field --in replay.txt; then
    [ "$(grep -o 404-555-0150 "$OUT" | wc -l)" -eq 2 ] && pass any_encrypted_field ||
        fail any_encrypted_field "$(cut -c1-80 "$OUT")"
fi
# A named field that arrives in plaintext (CloudFront bypassed): refused.
check_stderr plaintext_named_field 3 "field 'Phone' at offset 14: value is not an encrypted" \
    fle decrypt --raw-rsa-key "$KEY" --config fle.json --profile DemoProfile --in form.txt
check_stderr usage_any_with_field 2 'does not go with' fle decrypt --raw-rsa-key "$KEY" --any-encrypted-field \
    --field Phone --in enc.txt
# PKCS#1 v1.5 unwrapping is refused for FLE.
check_stderr pkcs1_refused 3 'padding=pkcs1 is refused for FLE' \
    fle decrypt --field Phone --raw-rsa-key "$KEY,padding=pkcs1" --in enc.txt
# decrypt-value: '%' must be followed by exactly two hex digits.  (The old
# strtol-based decoder read '%+9', '% 9', '%+A' and '% D' as tab, newline and
# CR, which base64 decoding skips, so those values decrypted.)
n=0
for esc in '%+9' '% 9' '%+A' '% D' '%-1' '%4' '%G1'; do
    n=$((n + 1))
    check_stderr "bad_escape_$n" 3 'not followed by two hex' fle decrypt-value --keys-dir keys "${V}${esc}"
done
if check good_escape 0 fle decrypt-value --keys-dir keys "$(printf '%s' "$V" | sed 's/A/%41/')"; then
    [ "$(cat "$OUT")" = 404-555-0150 ] && pass good_escape || fail good_escape "got $(cat "$OUT")"
fi

# Usage errors.
check usage_no_keys 2 fle decrypt --in enc.txt && pass usage_no_keys
check usage_threads_without_lines 2 fle decrypt --field Phone --keys-dir keys --threads 2 --in enc.txt && pass usage_threads_without_lines
check usage_mixed 2 fle encrypt --config fle.json --field Phone --in form.txt && pass usage_mixed
check usage_action 2 fle frobnicate && pass usage_action
check help 0 fle --help && grep -q 'seckit fle decrypt' "$OUT" && pass help
finish

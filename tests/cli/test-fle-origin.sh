# What an origin server needs: `seckit fle decrypt --lenient-form`, and the
# example origin (docs/examples/fle-origin) end to end: `seckit fle encrypt`
# output posted with curl to it on 127.0.0.1, errors as 400 with the short
# public message, key rotation with SIGHUP, parallel requests.
. "$top_srcdir/tests/lib.sh"
cd "$TMP" || exit 1

seckit keygen rsa --out priv.pem --public-out pub.pem >/dev/null 2>&1 || { fail setup "keygen"; finish; }
seckit keygen rsa --out new.pem --public-out new.pub >/dev/null 2>&1 || { fail setup "keygen"; finish; }
KEY=namespace=FLEDemo,name=DemoPublicKey,file=priv.pem
enc() { # enc IN OUT [KEYNAME PUBKEY]: encrypt Phone as CloudFront would
    seckit fle encrypt --public-key "${4:-pub.pem}" --provider FLEDemo \
        --key-name "${3:-DemoPublicKey}" --field Phone --in "$1" --out "$2" --force
}

# ---- seckit fle decrypt --lenient-form
printf 'Name=J\303\266rg&note=a|b;c&Phone=404-555-0150&pct=100%%' >lenient.txt
# The strict reader refuses the body, with or without encryption.
check strict_refuses_raw_bytes 3 fle encrypt --public-key pub.pem --provider FLEDemo \
    --key-name DemoPublicKey --field Phone --in lenient.txt &&
    grep -q 'not an application/x-www-form-urlencoded body' "$ERR" && pass strict_refuses_raw_bytes
printf 'Name=Jane&Phone=404-555-0150' >plain.txt
enc plain.txt plain.enc || fail setup "encrypt"
V=$(sed 's/.*Phone=//' plain.enc)
printf 'Name=J\303\266rg&note=a|b;c&Phone=%s&pct=100%%' "$V" >lenient.enc
check decrypt_strict_refuses 3 fle decrypt --field Phone --raw-rsa-key "$KEY" --in lenient.enc &&
    pass decrypt_strict_refuses
if check decrypt_lenient 0 fle decrypt --lenient-form --field Phone --raw-rsa-key "$KEY" \
    --in lenient.enc --out lenient.out; then
    if cmp -s lenient.out lenient.txt; then pass decrypt_lenient; else
        fail decrypt_lenient "output differs: $(od -c lenient.out | head -3)"; fi
fi
# A malformed encrypted field is still refused in lenient mode; nothing written.
for spoil in '|' ';' '%' "$(printf '\303\274')"; do
    printf 'note=a|b&Phone=%s%s' "$V" "$spoil" >spoiled.enc
    if check "lenient_refuses_bad_encrypted_field[$spoil]" 3 fle decrypt --lenient-form \
        --field Phone --raw-rsa-key "$KEY" --in spoiled.enc --out spoiled.out &&
        one_line "lenient_refuses_bad_encrypted_field[$spoil]"; then
        if [ -e spoiled.out ]; then fail "lenient_refuses_bad_encrypted_field[$spoil]" "output written"
        elif grep -q "field 'Phone'" "$ERR"; then pass "lenient_refuses_bad_encrypted_field[$spoil]"
        else fail "lenient_refuses_bad_encrypted_field[$spoil]" "$(cat "$ERR")"; fi
    fi
done
check lenient_not_for_decrypt_value 2 fle decrypt-value --lenient-form --raw-rsa-key "$KEY" "$V" &&
    pass lenient_not_for_decrypt_value
seckit fle decrypt --help | grep -q -- '--lenient-form' && pass help_lists_lenient_form ||
    fail help_lists_lenient_form "not in --help"

# ---- the example origin
EX="$top_builddir/docs/examples/fle-origin/fle-origin"
if [ ! -x "$EX" ]; then
    skip fle_origin_example "not built: configure did not find libmicrohttpd (Debian: apt-get install libmicrohttpd-dev)"
    finish
fi
if ! command -v curl >/dev/null 2>&1; then
    skip fle_origin_example "curl is not installed (Debian: apt-get install curl)"
    finish
fi
# A keys folder that others can write to (and swap a key in) is refused.
mkdir -m 700 bad && mkdir bad/keys && chmod 777 bad/keys && mkdir -m 700 bad/keys/FLEDemo &&
    cp -p priv.pem bad/keys/FLEDemo/DemoPublicKey.pem
"$EX" --keys-dir bad/keys --field Phone --port 0 --port-file bad/port 2>bad/log
rc=$?
[ $rc = 1 ] && [ ! -e bad/port ] && grep -q 'bad/keys' bad/log && pass fle_origin_refuses_open_keys_dir ||
    fail fle_origin_refuses_open_keys_dir "exit $rc: $(cat bad/log)"
mkdir -m 700 keys keys/FLEDemo && cp -p priv.pem keys/FLEDemo/DemoPublicKey.pem
"$EX" --keys-dir keys --field Phone --port 0 --port-file port.txt --workers 3 --lenient-form \
    2>server.log &
server=$!
stop_server() { kill -TERM "$server" 2>/dev/null; wait "$server" 2>/dev/null; }
trap 'stop_server; rm -rf "$TMP"' EXIT INT TERM
i=0
while [ ! -s port.txt ] && [ $i -lt 100 ] && kill -0 "$server" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
if [ ! -s port.txt ]; then
    fail fle_origin_starts "no port after 10 s: $(cat server.log)"
    finish
fi
pass fle_origin_starts
URL="http://127.0.0.1:$(cat port.txt)/"
post() { # post FILE [CONTENT-TYPE]: body in resp.json, status printed
    curl -s --max-time 20 -o resp.json -w '%{http_code}' \
        -H "Content-Type: ${2:-application/x-www-form-urlencoded}" --data-binary @"$1" "$URL"
}
# An encrypted form: 200, the names and HMACs, never the plaintext.
printf 'Name=Jane+Doe&Phone=404-555-0150' >form.txt
enc form.txt form.enc
st=$(post form.enc)
if [ "$st" = 200 ] && grep -q '"decrypted":1,' resp.json &&
    grep -q '{"name":"Phone","decrypted":true,"length":12,"hmac":"[0-9a-f]\{64\}"}' resp.json &&
    grep -q '{"name":"Name","decrypted":false,"length":8,' resp.json &&
    ! grep -q '404-555-0150\|Jane' resp.json; then
    pass fle_origin_decrypts
else
    fail fle_origin_decrypts "status $st: $(cat resp.json)"
fi
h1=$(sed 's/.*"Phone","decrypted":true,"length":12,"hmac":"\([0-9a-f]*\)".*/\1/' resp.json)
# The same plaintext encrypted again (another data key): the same HMAC.
enc form.txt form2.enc
st=$(post form2.enc)
h2=$(sed 's/.*"Phone","decrypted":true,"length":12,"hmac":"\([0-9a-f]*\)".*/\1/' resp.json)
if [ "$st" = 200 ] && [ -n "$h1" ] && [ "$h1" = "$h2" ] && ! cmp -s form.enc form2.enc; then
    pass fle_origin_same_value_same_hmac
else
    fail fle_origin_same_value_same_hmac "status $st, $h1 vs $h2"
fi
# Lenient mode: raw UTF-8 and '|' in an untouched field.
printf 'Name=J\303\266rg|x&Phone=%s' "$(sed 's/.*Phone=//' form.enc)" >lenient2.enc
st=$(post lenient2.enc)
[ "$st" = 200 ] && grep -q '"Name","decrypted":false,"length":7' resp.json &&
    pass fle_origin_lenient || fail fle_origin_lenient "status $st: $(cat resp.json)"
# Errors: 400 with the short public message; the details go to the log only.
expect_400() { # NAME FILE PUBLIC-MESSAGE
    st=$(post "$2")
    if [ "$st" = 400 ] && [ "$(cat resp.json)" = "{\"error\":\"$3\"}" ] &&
        ! grep -q 'FLEDemo\|DemoPublicKey\|OtherKey\|offset' resp.json; then
        pass "$1"
    else
        fail "$1" "status $st: $(cat resp.json)"
    fi
}
expect_400 fle_origin_plaintext_field form.txt "field 2: the value is not encrypted"
enc form.txt other.enc OtherKey
expect_400 fle_origin_unknown_key other.enc "field 2: the encrypted value could not be decrypted"
grep -q "no key for provider id 'FLEDemo' and key name 'OtherKey'" server.log &&
    pass fle_origin_logs_details || fail fle_origin_logs_details "$(cat server.log)"
# Tampered: a character in the middle of the value changed.
awk '{ n = index($0, "Phone=") + 6 + 150; c = substr($0, n, 1);
       printf "%s%s%s", substr($0, 1, n - 1), (c == "A" ? "B" : "A"), substr($0, n + 1) }' \
    form.enc >tampered.enc
expect_400 fle_origin_tampered tampered.enc "field 2: the encrypted value could not be decrypted"
head -c 300 form.enc | sed 's/%.\{0,1\}$//' >truncated.enc # not inside a %XX
expect_400 fle_origin_truncated truncated.enc "field 2: the encrypted value could not be decrypted"
printf 'Name=x' >missing.txt
st=$(post missing.txt)
[ "$st" = 200 ] && grep -q '"decrypted":0' resp.json && pass fle_origin_no_encrypted_field ||
    fail fle_origin_no_encrypted_field "status $st: $(cat resp.json)"
printf '{"Phone":"x"}' >json.txt
st=$(post json.txt application/json)
[ "$st" = 415 ] && pass fle_origin_wrong_content_type || fail fle_origin_wrong_content_type "status $st"
st=$(curl -s --max-time 20 -o resp.json -w '%{http_code}' "$URL")
[ "$st" = 405 ] && pass fle_origin_get_refused || fail fle_origin_get_refused "status $st"
{ printf 'Phone=x&a='; head -c 1048577 /dev/zero | tr '\0' 'a'; } >big.txt
st=$(post big.txt)
[ "$st" = 413 ] && pass fle_origin_too_large || fail fle_origin_too_large "status $st"
# Parallel requests on the worker pool.
j=0
while [ $j -lt 12 ]; do
    curl -s --max-time 30 -o "par$j.json" -w '%{http_code}\n' \
        -H 'Content-Type: application/x-www-form-urlencoded' --data-binary @form.enc "$URL" >"par$j.st" &
    j=$((j + 1))
done
wait_ok=1
j=0
while [ $j -lt 12 ]; do
    # wait for that curl (not the server)
    while [ ! -s "par$j.st" ]; do sleep 0.05; done
    grep -q 200 "par$j.st" && grep -q "$h1" "par$j.json" || wait_ok=0
    j=$((j + 1))
done
[ $wait_ok = 1 ] && pass fle_origin_parallel || fail fle_origin_parallel "a parallel request failed"
# Key rotation without a restart: a field encrypted to a new key fails,
# the key is added to the folder, SIGHUP, and it decrypts; the old key too.
enc form.txt rotated.enc RotatedKey new.pub
expect_400 fle_origin_before_rotation rotated.enc "field 2: the encrypted value could not be decrypted"
cp -p new.pem keys/FLEDemo/RotatedKey.pem
kill -HUP "$server"
i=0
while ! grep -q 'reloaded: 2 key' server.log && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
st=$(post rotated.enc)
st2=$(post form.enc)
[ "$st" = 200 ] && [ "$st2" = 200 ] && pass fle_origin_rotation ||
    fail fle_origin_rotation "status $st/$st2: $(tail -3 server.log)"
# A failed reload keeps the current keys.
printf 'not a key' >keys/FLEDemo/Broken.pem
chmod 600 keys/FLEDemo/Broken.pem
kill -HUP "$server"
i=0
while ! grep -q 'reload failed' server.log && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
st=$(post rotated.enc)
grep -q 'reload failed, keeping the current keys' server.log && [ "$st" = 200 ] &&
    pass fle_origin_failed_reload || fail fle_origin_failed_reload "status $st: $(tail -2 server.log)"
# SIGTERM: a clean stop.
kill -TERM "$server"
wait "$server"
rc=$?
[ $rc = 0 ] && grep -q stopped server.log && pass fle_origin_stops ||
    fail fle_origin_stops "exit $rc: $(tail -2 server.log)"
trap 'rm -rf "$TMP"' EXIT INT TERM
finish

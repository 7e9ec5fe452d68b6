# seckit esdk encrypt|decrypt: round trips, key specs, failures that write
# nothing (exit 4), streaming to a file, base64, the dafny vectors.
. "$top_srcdir/tests/lib.sh"
cd "$TMP" || exit 1

head -c 32 /dev/urandom >aes.key && chmod 600 aes.key
head -c 32 /dev/urandom >other.key && chmod 600 other.key
AES="namespace=demo,name=k1,file=aes.key"
printf 'hello, esdk\n' >pt

# Round trip to files, with an encryption context.
if check esdk_roundtrip_file 0 esdk encrypt --raw-aes-key "$AES" --encryption-context purpose=test \
    --in pt --out ct &&
    check esdk_roundtrip_file 0 esdk decrypt --raw-aes-key "$AES" --in ct --out pt.out; then
    if cmp -s pt pt.out && [ "$(stat -c %a pt.out)" = 600 ]; then
        pass esdk_roundtrip_file
    else
        fail esdk_roundtrip_file "plaintext differs or mode $(stat -c %a pt.out)"
    fi
fi

# --out never replaces an existing file without --force (decrypt or encrypt).
printf 'keep me\n' >keep
if check esdk_out_exists_refused 5 esdk decrypt --raw-aes-key "$AES" --in ct --out keep &&
    one_line esdk_out_exists_refused; then
    grep -q 'already exists (use --force' "$ERR" && [ "$(cat keep)" = "keep me" ] &&
        ! ls .keep* >/dev/null 2>&1 && pass esdk_out_exists_refused ||
        fail esdk_out_exists_refused "message or file: $(cat "$ERR"; cat keep)"
fi
check esdk_encrypt_out_exists_refused 5 esdk encrypt --raw-aes-key "$AES" --in pt --out keep &&
    [ "$(cat keep)" = "keep me" ] && pass esdk_encrypt_out_exists_refused
if check esdk_out_force 0 esdk decrypt --raw-aes-key "$AES" --in ct --out keep --force; then
    cmp -s pt keep && pass esdk_out_force || fail esdk_out_force "plaintext differs"
fi
check esdk_encrypt_out_force 0 esdk encrypt --raw-aes-key "$AES" --in pt --out keep --force &&
    pass esdk_encrypt_out_force
check esdk_force_needs_out 2 esdk decrypt --raw-aes-key "$AES" --in ct --force &&
    pass esdk_force_needs_out

# stdin/stdout, every suite, framed and non-framed.
ok=1
for s in 0x0014 0x0046 0x0078 0x0114 0x0146 0x0178 0x0214 0x0346 0x0378 0x0478 0x0578; do
    pol=forbid-encrypt-allow-decrypt
    case $s in 0x04*|0x05*) pol=require-encrypt-allow-decrypt ;; esac
    for f in 0 100; do
        case $s$f in 0x04*0|0x05*0) [ "$f" = 0 ] && continue ;; esac
        seckit esdk encrypt --raw-aes-key "$AES" --suite $s --frame-length $f \
            --commitment-policy $pol <pt >ct.$s 2>"$ERR" &&
            seckit esdk decrypt --raw-aes-key "$AES" --commitment-policy $pol <ct.$s >out.$s 2>"$ERR" &&
            cmp -s pt out.$s || { ok=0; fail "esdk_all_suites" "$s frame $f: $(head -c 200 "$ERR")"; break 2; }
    done
done
[ $ok = 1 ] && pass esdk_all_suites

# The default policy refuses v1 messages (exit 4, one line).
seckit esdk encrypt --raw-aes-key "$AES" --suite 0x0178 --commitment-policy forbid-encrypt-allow-decrypt \
    <pt >v1.ct 2>/dev/null
if check esdk_policy_refuses_v1 4 esdk decrypt --raw-aes-key "$AES" --in v1.ct && one_line esdk_policy_refuses_v1; then
    grep -q 'require-encrypt-allow-decrypt' "$ERR" && [ ! -s "$OUT" ] && pass esdk_policy_refuses_v1 ||
        fail esdk_policy_refuses_v1 "message does not name the policy, or output written"
fi

# Wrong key: exit 4, nothing written, no temporary file left.
if check esdk_wrong_key 4 esdk decrypt --raw-aes-key "namespace=demo,name=k1,file=other.key" \
    --in ct --out wrong.out && one_line esdk_wrong_key; then
    if [ -e wrong.out ] || ls -a | grep -q 'wrong.out.'; then
        fail esdk_wrong_key "output or temporary file left behind"
    elif ! grep -q 'authentication failed' "$ERR"; then
        fail esdk_wrong_key "unexpected message: $(cat "$ERR")"
    else
        pass esdk_wrong_key
    fi
fi
cp "$ERR" err.wrongkey
# A wrong key name gives the very same message.
check esdk_generic_error 4 esdk decrypt --raw-aes-key "namespace=demo,name=k2,file=aes.key" --in ct &&
    { cmp -s "$ERR" err.wrongkey && pass esdk_generic_error || fail esdk_generic_error "messages differ"; }

# A large streamed message (5 MiB, 4 KiB frames): one flipped byte in the
# middle, and a truncation; each writes nothing.
head -c 5242880 /dev/urandom >big
seckit esdk encrypt --raw-aes-key "$AES" --in big --out big.ct 2>"$ERR" || fail esdk_stream_big "encrypt: $(cat "$ERR")"
if check esdk_stream_big 0 esdk decrypt --raw-aes-key "$AES" --in big.ct --out big.out; then
    cmp -s big big.out && pass esdk_stream_big || fail esdk_stream_big "plaintext differs"
fi
size=$(stat -c %s big.ct)
cp big.ct bad.ct
printf '\001' | dd of=bad.ct bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
cmp -s big.ct bad.ct && printf '\002' | dd of=bad.ct bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
if check esdk_tampered_writes_nothing 4 esdk decrypt --raw-aes-key "$AES" --in bad.ct --out bad.out; then
    [ ! -e bad.out ] && [ -z "$(ls -a | grep 'bad.out')" ] && pass esdk_tampered_writes_nothing ||
        fail esdk_tampered_writes_nothing "output left behind"
fi
head -c $((size - 1)) big.ct >short.ct
if check esdk_truncated_writes_nothing 4 esdk decrypt --raw-aes-key "$AES" --in short.ct --out short.out; then
    [ ! -e short.out ] && pass esdk_truncated_writes_nothing || fail esdk_truncated_writes_nothing "output left"
fi
# To stdout: nothing at all on failure.
if check esdk_tampered_stdout_empty 4 esdk decrypt --raw-aes-key "$AES" --in bad.ct; then
    [ ! -s "$OUT" ] && pass esdk_tampered_stdout_empty || fail esdk_tampered_stdout_empty "$(wc -c <"$OUT") bytes written"
fi

# RSA: a public key encrypts (FLE-shaped: 0x0178, OAEP-SHA256, base64), the
# private key decrypts; PKCS#1 padding needs the matching spec.
seckit keygen rsa --out rsa.pem --public-out rsa.pub >/dev/null 2>&1
chmod 644 rsa.pub
if check esdk_rsa_public_encrypt 0 esdk encrypt --base64 --suite 0x0178 \
    --commitment-policy forbid-encrypt-allow-decrypt \
    --raw-rsa-key namespace=FLEDemo,name=DemoPublicKey,file=rsa.pub --in pt --out fle.b64; then
    if head -c 6 fle.b64 | grep -q '^AYABe' &&
        seckit esdk decrypt --base64 --commitment-policy require-encrypt-allow-decrypt \
            --raw-rsa-key namespace=FLEDemo,name=DemoPublicKey,padding=oaep-sha256,file=rsa.pem \
            --in fle.b64 >fle.out 2>"$ERR" && cmp -s pt fle.out; then
        pass esdk_rsa_public_encrypt
    else
        fail esdk_rsa_public_encrypt "$(head -c 6 fle.b64) $(cat "$ERR")"
    fi
fi
check esdk_rsa_wrong_padding 4 esdk decrypt --base64 --commitment-policy require-encrypt-allow-decrypt \
    --raw-rsa-key namespace=FLEDemo,name=DemoPublicKey,padding=oaep-sha1,file=rsa.pem --in fle.b64 &&
    pass esdk_rsa_wrong_padding
# Several keys: any one decrypts a message wrapped for all.
if check esdk_multi_keys 0 esdk encrypt --raw-aes-key "$AES" --raw-rsa-key namespace=r,name=n,file=rsa.pub \
    --in pt --out multi.ct &&
    check esdk_multi_keys 0 esdk decrypt --raw-rsa-key namespace=r,name=n,file=rsa.pem --in multi.ct; then
    cmp -s pt "$OUT" && pass esdk_multi_keys || fail esdk_multi_keys "plaintext differs"
fi
check esdk_max_edks 4 esdk decrypt --raw-aes-key "$AES" --max-encrypted-data-keys 1 --in multi.ct &&
    grep -q 'limit' "$ERR" && pass esdk_max_edks
# The default EDK limit is 10: a message wrapped for 11 keys is refused
# unless --max-encrypted-data-keys raises it.
set --
for i in 1 2 3 4 5 6 7 8 9 10 11; do set -- "$@" --raw-aes-key "namespace=demo,name=k$i,file=aes.key"; done
if seckit esdk encrypt "$@" --in pt --out eleven.ct 2>"$ERR"; then
    check esdk_default_max_edks 4 esdk decrypt --raw-aes-key "$AES" --in eleven.ct &&
        grep -q '11 encrypted data keys exceed the limit of 10' "$ERR" &&
        check esdk_default_max_edks 0 esdk decrypt --raw-aes-key "$AES" --max-encrypted-data-keys 11 \
            --in eleven.ct && pass esdk_default_max_edks
else
    fail esdk_default_max_edks "encrypt: $(cat "$ERR")"
fi
set --

# Key files: private keys must be private; a PEM public key need not be.
chmod 644 rsa.pem
check esdk_insecure_key_refused 5 esdk decrypt --raw-rsa-key namespace=r,name=n,file=rsa.pem --in multi.ct &&
    grep -q 'chmod 600' "$ERR" && pass esdk_insecure_key_refused
check esdk_insecure_key_allowed 0 esdk decrypt --allow-insecure-key-file \
    --raw-rsa-key namespace=r,name=n,file=rsa.pem --in multi.ct && pass esdk_insecure_key_allowed
chmod 600 rsa.pem
head -c 20 /dev/urandom >bad.key && chmod 600 bad.key
check esdk_bad_aes_key 2 esdk encrypt --raw-aes-key namespace=a,name=b,file=bad.key --in pt &&
    pass esdk_bad_aes_key

# Encryption context: reserved prefix refused; expected pairs checked.
check esdk_reserved_context 2 esdk encrypt --raw-aes-key "$AES" --encryption-context aws-crypto-x=1 --in pt &&
    pass esdk_reserved_context
check esdk_expected_context 0 esdk decrypt --raw-aes-key "$AES" --encryption-context purpose=test --in ct &&
    check esdk_expected_context 4 esdk decrypt --raw-aes-key "$AES" --encryption-context purpose=other --in ct &&
    pass esdk_expected_context

# Usage errors.
check esdk_usage_no_key 2 esdk decrypt --in ct && one_line esdk_usage_no_key && pass esdk_usage_no_key
check esdk_usage_bad_suite 2 esdk encrypt --raw-aes-key "$AES" --suite 0x0070 && pass esdk_usage_bad_suite
check esdk_usage_bad_spec 2 esdk encrypt --raw-aes-key namespace=x,file=aes.key && pass esdk_usage_bad_spec
check esdk_usage_bad_action 2 esdk frobnicate && pass esdk_usage_bad_action
check esdk_usage_nonframed_v2 2 esdk encrypt --raw-aes-key "$AES" --frame-length 0 --in pt &&
    pass esdk_usage_nonframed_v2

# A dafny vector through the command (raw AES-256, suite 0x0478).
# A base64 message larger than the read chunk, wrapped at 76 columns (the
# line breaks fall across chunk boundaries): decoded as it streams in.
head -c 700000 /dev/urandom >big.pt
if seckit esdk encrypt --raw-aes-key "$AES" --base64 --frame-length 4096 --in big.pt 2>"$ERR" |
    fold -w 76 >big.b64 &&
    check esdk_base64_streamed 0 esdk decrypt --raw-aes-key "$AES" --base64 --in big.b64 --out big.out --force; then
    cmp -s big.pt big.out && pass esdk_base64_streamed || fail esdk_base64_streamed "plaintext differs"
fi
# A bad character deep inside: exit 4, its offset named, nothing written.
sed '5000s/^./*/' big.b64 >bad.b64
if check esdk_base64_bad_char 4 esdk decrypt --raw-aes-key "$AES" --base64 --in bad.b64 --out bad.out &&
    one_line esdk_base64_bad_char; then
    if [ -e bad.out ]; then
        fail esdk_base64_bad_char "output written"
    else
        grep -q "invalid character 0x2a at offset $((4999 * 77))" "$ERR" && pass esdk_base64_bad_char ||
            fail esdk_base64_bad_char "message: $(cat "$ERR")"
    fi
fi

v="$top_srcdir/tests/data/esdk-dafny"
if [ -f "$v/keys.json" ]; then
    printf '\000\001\002\003\004\005\006\007\010\011\020\021\022\023\024\025\026\027\030\031\040\041\042\043\044\045\046\047\050\051\060\061' >dafny.key
    chmod 600 dafny.key
    id=$(grep -l 'aws-raw-vectors-persistent-aes-256' /dev/null 2>/dev/null; python3 -c '
import json,sys
m=json.load(open(sys.argv[1]))
for k,t in sorted(m["tests"].items()):
    s=t["decryption-scenario"]; d=s["decryptKeyDescription"]
    if d.get("type")=="raw" and d.get("key")=="aes-256" and s["algorithmSuiteId"]=="0478" and not s["reproduced-encryption-context"]:
        print(k); break' "$v/decrypt-manifest.json" 2>/dev/null)
    if [ -n "$id" ]; then
        check esdk_dafny_vector 0 esdk decrypt --raw-aes-key namespace=aws-raw-vectors-persistent-aes-256,name=aes-256,file=dafny.key \
            --in "$v/ciphertexts/$id" --out dafny.out &&
            { cmp -s dafny.out "$v/plaintexts/small" && pass esdk_dafny_vector || fail esdk_dafny_vector "plaintext differs"; }
    else
        skip esdk_dafny_vector "python3 not available to read the manifest"
    fi
fi
finish

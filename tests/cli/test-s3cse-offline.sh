# seckit s3 encrypt|decrypt (S3 client-side encryption offline): objects the
# AWS S3 Encryption Client for Ruby wrote (tests/data/s3cse-ruby, no Ruby or
# server needed), round trips, the key and envelope options, failures that
# write nothing, streaming with bounded memory.
. "$top_srcdir/tests/lib.sh"
cd "$TMP" || exit 1
FX="$top_srcdir/tests/data/s3cse-ruby"

# The fixture keys, as private files (git does not keep their mode).
for f in aes256.key aes128.key rsa2048.pem; do
    cp "$FX/$f" "$f" && chmod 600 "$f"
done
openssl pkey -in rsa2048.pem -pubout -out rsa2048.pub 2>/dev/null
head -c 32 /dev/urandom >other.key && chmod 600 other.key
ALLOW="--commitment-policy require-encrypt-allow-decrypt"

# no_output NAME FILE: FILE and no temporary file beside it exist.
no_output() {
    if [ -e "$2" ] || ls -a | grep -qF "$2.tmp-"; then
        fail "$1" "output or temporary file left behind: $(ls -a | tr '\n' ' ')"
        return 1
    fi
    return 0
}

# ---- objects written by Ruby's EncryptionV2 client ----------------------------
for obj in v2-aes256-gcm v2-aes128-gcm v2-rsa-oaep-sha1 v2-aes256-gcm-instr v2-rsa-oaep-sha1-instr; do
    case $obj in
    v2-aes128*) key="--raw-aes-key file=aes128.key" ;;
    v2-aes*) key="--raw-aes-key file=aes256.key" ;;
    *) key="--raw-rsa-key file=rsa2048.pem" ;;
    esac
    instr=""
    [ -f "$FX/$obj.instruction" ] && instr="--instruction-file $FX/$obj.instruction"
    # shellcheck disable=SC2086
    if check "ruby_$obj" 0 s3 decrypt $key $ALLOW --in "$FX/$obj.body" \
        --metadata "$FX/$obj.meta.json" $instr --out "$obj.out"; then
        cmp -s "$FX/plaintext.txt" "$obj.out" && [ "$(stat -c %a "$obj.out")" = 600 ] &&
            pass "ruby_$obj" || fail "ruby_$obj" "plaintext differs or mode $(stat -c %a "$obj.out")"
    fi
done
if check ruby_v2_empty 0 s3 decrypt --raw-aes-key file=aes256.key $ALLOW \
    --in "$FX/v2-aes256-gcm-empty.body" --metadata "$FX/v2-aes256-gcm-empty.meta.json" --out empty.out; then
    [ -f empty.out ] && [ ! -s empty.out ] && pass ruby_v2_empty || fail ruby_v2_empty "not an empty file"
fi
# the bare metadata map (what `aws s3 cp --metadata file://` takes), to stdout
if check ruby_v2_map_stdout 0 s3 decrypt --raw-rsa-key file=rsa2048.pem $ALLOW \
    --in "$FX/v2-rsa-oaep-sha1.body" --metadata "$FX/v2-rsa-oaep-sha1.map.json"; then
    cmp -s "$FX/plaintext.txt" "$OUT" && pass ruby_v2_map_stdout || fail ruby_v2_map_stdout "plaintext differs"
fi
# from standard input
if seckit s3 decrypt --raw-aes-key file=aes256.key $ALLOW --metadata "$FX/v2-aes256-gcm.meta.json" \
    <"$FX/v2-aes256-gcm.body" >stdin.out 2>"$ERR" && cmp -s "$FX/plaintext.txt" stdin.out; then
    pass ruby_v2_stdin
else
    fail ruby_v2_stdin "$(head -c 300 "$ERR")"
fi
# several keys: the one whose materials description matches is used
if check ruby_matdesc_selects_key 0 s3 decrypt $ALLOW --raw-aes-key file=aes256.key \
    --materials-description kid=other --raw-aes-key file=aes128.key --materials-description kid=aes128 \
    --in "$FX/v2-aes128-gcm.body" --metadata "$FX/v2-aes128-gcm.meta.json" --out md.out; then
    cmp -s "$FX/plaintext.txt" md.out && pass ruby_matdesc_selects_key || fail ruby_matdesc_selects_key "differs"
fi

# The default policy reads V3 only: a V2 object is refused (exit 3), naming
# the policy that allows it, and nothing is written.
if check ruby_v2_default_policy 3 s3 decrypt --raw-aes-key file=aes256.key \
    --in "$FX/v2-aes256-gcm.body" --metadata "$FX/v2-aes256-gcm.meta.json" --out pol.out &&
    one_line ruby_v2_default_policy && no_output ruby_v2_default_policy pol.out; then
    grep -q 'require-encrypt-allow-decrypt' "$ERR" && pass ruby_v2_default_policy ||
        fail ruby_v2_default_policy "message does not name the policy: $(cat "$ERR")"
fi
# An instruction-file object without --instruction-file: usage error naming it.
if check ruby_instr_missing 2 s3 decrypt --raw-aes-key file=aes256.key $ALLOW \
    --in "$FX/v2-aes256-gcm-instr.body" --metadata "$FX/v2-aes256-gcm-instr.meta.json" --out i.out &&
    one_line ruby_instr_missing && no_output ruby_instr_missing i.out; then
    grep -q -- '--instruction-file' "$ERR" && pass ruby_instr_missing || fail ruby_instr_missing "$(cat "$ERR")"
fi

# ---- V1 (legacy) objects from Ruby's Encryption::Client ------------------------
for obj in v1-aes256-cbc v1-rsa-cbc v1-aes256-cbc-instr; do
    case $obj in v1-aes*) key="--raw-aes-key file=aes256.key" ;; *) key="--raw-rsa-key file=rsa2048.pem" ;; esac
    instr=""
    [ -f "$FX/$obj.instruction" ] && instr="--instruction-file $FX/$obj.instruction"
    # refused without the legacy profile, naming it
    # shellcheck disable=SC2086
    if check "ruby_${obj}_refused" 3 s3 decrypt $key $ALLOW --in "$FX/$obj.body" \
        --metadata "$FX/$obj.meta.json" $instr --out "$obj.out" && one_line "ruby_${obj}_refused" &&
        no_output "ruby_${obj}_refused" "$obj.out"; then
        grep -q -- '--security-profile v2-and-legacy' "$ERR" && pass "ruby_${obj}_refused" ||
            fail "ruby_${obj}_refused" "message does not name the profile: $(cat "$ERR")"
    fi
    # shellcheck disable=SC2086
    if check "ruby_$obj" 0 s3 decrypt $key $ALLOW --security-profile v2-and-legacy \
        --in "$FX/$obj.body" --metadata "$FX/$obj.meta.json" $instr --out "$obj.out"; then
        cmp -s "$FX/plaintext.txt" "$obj.out" && pass "ruby_$obj" || fail "ruby_$obj" "plaintext differs"
    fi
done

# ---- failures write nothing ---------------------------------------------------
cp "$FX/v2-aes256-gcm.body" body && cp "$FX/v2-aes256-gcm.meta.json" meta.json
if check wrong_key 4 s3 decrypt --raw-aes-key file=other.key $ALLOW --in body --metadata meta.json \
    --out wk.out && one_line wrong_key && no_output wrong_key wk.out; then
    pass wrong_key
fi
cp "$ERR" err.wrongkey
# an RSA key for an AES-wrapped object: refused as well, nothing written
check wrong_key_kind 4 s3 decrypt --raw-rsa-key file=rsa2048.pem $ALLOW --in body --metadata meta.json &&
    one_line wrong_key_kind && { [ ! -s "$OUT" ] && pass wrong_key_kind || fail wrong_key_kind "output written"; }
size=$(stat -c %s body)
ok=1
for off in 0 500 $((size - 17)) $((size - 16)) $((size - 1)); do
    cp body flip
    byte=$(od -An -tu1 -j "$off" -N1 flip | tr -d ' ')
    printf "$(printf '\\%03o' $((byte ^ 1)))" | dd of=flip bs=1 seek="$off" conv=notrunc 2>/dev/null
    seckit s3 decrypt --raw-aes-key file=aes256.key $ALLOW --in flip --metadata meta.json --out flip.out \
        >/dev/null 2>"$ERR"
    st=$?
    if [ $st -ne 4 ] || [ -e flip.out ]; then ok=0; fail body_bit_flips "offset $off: exit $st"; break; fi
done
[ $ok = 1 ] && pass body_bit_flips
# to standard output nothing is written either
seckit s3 decrypt --raw-aes-key file=aes256.key $ALLOW --in flip --metadata meta.json >flip.stdout 2>/dev/null
[ $? -eq 4 ] && [ ! -s flip.stdout ] && pass bit_flip_stdout_nothing || fail bit_flip_stdout_nothing "output written"
head -c $((size - 5)) body >short
check truncated_body 4 s3 decrypt --raw-aes-key file=aes256.key $ALLOW --in short --metadata meta.json \
    --out short.out && no_output truncated_body short.out && pass truncated_body
# truncated to nothing, to less than a tag, to exactly a tag: the same failure
for n in 0 10 16; do
    head -c $n body >short$n
    check truncated_body_$n 4 s3 decrypt --raw-aes-key file=aes256.key $ALLOW --in short$n --metadata meta.json \
        --out short$n.out && one_line truncated_body_$n && no_output truncated_body_$n short$n.out &&
        pass truncated_body_$n
done
# metadata changes: another IV (exit 4), tag length 96 (exit 3), mixed formats (exit 3)
sed 's|"x-amz-iv": "[^"]*"|"x-amz-iv": "AAAAAAAAAAAAAAAB"|' meta.json >iv.json
check changed_iv 4 s3 decrypt --raw-aes-key file=aes256.key $ALLOW --in body --metadata iv.json --out iv.out &&
    no_output changed_iv iv.out && pass changed_iv
sed 's|"x-amz-tag-len": "128"|"x-amz-tag-len": "96"|' meta.json >tl.json
check tag_len_96 3 s3 decrypt --raw-aes-key file=aes256.key $ALLOW --in body --metadata tl.json --out tl.out &&
    no_output tag_len_96 tl.out && pass tag_len_96
sed 's|"x-amz-iv":|"x-amz-3": "AAAA", "x-amz-iv":|' meta.json >mixed.json
check mixed_formats 3 s3 decrypt --raw-aes-key file=aes256.key $ALLOW --in body --metadata mixed.json \
    --out mx.out && no_output mixed_formats mx.out && pass mixed_formats
# x-amz-tag-len is a MUST for GCM (every GCM writer stores "128"): absent is refused
grep -v '"x-amz-tag-len"' meta.json >notl.json
check tag_len_missing 3 s3 decrypt --raw-aes-key file=aes256.key $ALLOW --in body --metadata notl.json \
    --out ntl.out && one_line tag_len_missing && no_output tag_len_missing ntl.out &&
    { grep -q 'without x-amz-tag-len' "$ERR" && pass tag_len_missing || fail tag_len_missing "$(cat "$ERR")"; }
# a key of the wrong kind is told which kind the (public) wrap algorithm needs;
# a wrong key of the right kind gets only the generic message
check wrong_key_kind_message 4 s3 decrypt --raw-rsa-key file=rsa2048.pem $ALLOW --in body --metadata meta.json \
    --out wkk.out && no_output wrong_key_kind_message wkk.out &&
    { grep -q 'AES/GCM, which needs an AES key' "$ERR" && ! grep -q 'which needs' err.wrongkey &&
        grep -q 'no key could decrypt' err.wrongkey && pass wrong_key_kind_message ||
        fail wrong_key_kind_message "$(cat "$ERR" err.wrongkey)"; }
echo '{"x-amz-iv": 5}' >num.json
check metadata_not_strings 3 s3 decrypt --raw-aes-key file=aes256.key --in body --metadata num.json &&
    one_line metadata_not_strings && pass metadata_not_strings
echo '{"x-amz-iv": ' >bad.json
check metadata_not_json 3 s3 decrypt --raw-aes-key file=aes256.key --in body --metadata bad.json &&
    one_line metadata_not_json && pass metadata_not_json

# ---- round trips (seckit writes, seckit reads) --------------------------------
head -c 100000 /dev/urandom >pt
# V3 (default), metadata in the map
if check v3_encrypt 0 s3 encrypt --raw-aes-key file=aes256.key --in pt --out v3.body --metadata-out v3.json; then
    if grep -q '"x-amz-c":[[:space:]]*"115"' v3.json && grep -q '"x-amz-w":[[:space:]]*"02"' v3.json &&
        grep -q '"x-amz-d"' v3.json && grep -q '"x-amz-i"' v3.json && grep -q '"x-amz-3"' v3.json &&
        [ "$(stat -c %s v3.body)" = 100016 ]; then
        pass v3_encrypt
    else
        fail v3_encrypt "metadata: $(tr '\n' ' ' <v3.json)"
    fi
fi
check v3_roundtrip 0 s3 decrypt --raw-aes-key file=aes256.key --in v3.body --metadata v3.json --out v3.out &&
    { cmp -s pt v3.out && pass v3_roundtrip || fail v3_roundtrip "differs"; }
# V3 flipped commitment: exit 4
sed -E 's|("x-amz-d":[[:space:]]*")A|\1B|; t; s|("x-amz-d":[[:space:]]*").|\1A|' v3.json >v3d.json
if ! cmp -s v3.json v3d.json; then
    check v3_commitment_changed 4 s3 decrypt --raw-aes-key file=aes256.key --in v3.body --metadata v3d.json \
        --out v3d.out && no_output v3_commitment_changed v3d.out && pass v3_commitment_changed
fi
# V3, RSA public key to encrypt, private to decrypt, instruction file
if check v3_rsa_instr 0 s3 encrypt --raw-rsa-key file=rsa2048.pub --materials-description kid=r1 \
    --in pt --out v3r.body --metadata-out v3r.json --instruction-file-out v3r.instruction; then
    if grep -q '"x-amz-c"' v3r.json && ! grep -q '"x-amz-3"' v3r.json && grep -q '"x-amz-3"' v3r.instruction &&
        grep -q '"x-amz-w":"22"' v3r.instruction; then
        pass v3_rsa_instr
    else
        fail v3_rsa_instr "metadata $(tr '\n' ' ' <v3r.json), instruction $(cat v3r.instruction)"
    fi
fi
check v3_rsa_instr_roundtrip 0 s3 decrypt --raw-rsa-key file=rsa2048.pem --in v3r.body --metadata v3r.json \
    --instruction-file v3r.instruction --out v3r.out && { cmp -s pt v3r.out && pass v3_rsa_instr_roundtrip ||
    fail v3_rsa_instr_roundtrip "differs"; }
check public_key_cannot_decrypt 2 s3 decrypt --raw-rsa-key file=rsa2048.pub --in v3r.body --metadata v3r.json \
    --instruction-file v3r.instruction --out pub.out && no_output public_key_cannot_decrypt pub.out &&
    pass public_key_cannot_decrypt
# a materials description given before the key option belongs to it (x-amz-m)
if check matdesc_before_key 0 s3 encrypt --materials-description kid=first --raw-aes-key file=aes256.key \
    --in pt --out md.body --metadata-out md.json; then
    grep -q '"x-amz-m":.*kid.*first' md.json && pass matdesc_before_key || fail matdesc_before_key "$(cat md.json)"
fi
check matdesc_selects_v3 0 s3 decrypt --raw-aes-key file=aes128.key --materials-description kid=other \
    --raw-aes-key file=aes256.key --materials-description kid=first --in md.body --metadata md.json &&
    { cmp -s pt "$OUT" && pass matdesc_selects_v3 || fail matdesc_selects_v3 "differs"; }
# V2 (forbid-encrypt-allow-decrypt), standard input and output
if seckit s3 encrypt --raw-aes-key file=aes128.key --commitment-policy forbid-encrypt-allow-decrypt \
    --metadata-out v2.json <pt >v2.body 2>"$ERR"; then
    grep -q '"x-amz-key-v2"' v2.json && grep -q '"x-amz-wrap-alg":[[:space:]]*"AES/GCM"' v2.json &&
        grep -q '"x-amz-cek-alg":[[:space:]]*"AES/GCM/NoPadding"' v2.json && pass v2_encrypt_stdio ||
        fail v2_encrypt_stdio "$(tr '\n' ' ' <v2.json)"
else
    fail v2_encrypt_stdio "$(cat "$ERR")"
fi
seckit s3 decrypt --raw-aes-key file=aes128.key --commitment-policy forbid-encrypt-allow-decrypt \
    --metadata v2.json <v2.body >v2.out 2>"$ERR" && cmp -s pt v2.out && pass v2_roundtrip_stdio ||
    fail v2_roundtrip_stdio "$(cat "$ERR")"
# V2 from a file records the plaintext length (as Ruby and Go do)
check v2_envelope_option 0 s3 encrypt --raw-rsa-key file=rsa2048.pem --envelope v2 \
    --commitment-policy forbid-encrypt-allow-decrypt --in pt --out v2r.body --metadata-out v2r.json &&
    { grep -q '"x-amz-unencrypted-content-length":[[:space:]]*"100000"' v2r.json &&
        grep -q '"x-amz-wrap-alg":[[:space:]]*"RSA-OAEP-SHA1"' v2r.json && pass v2_envelope_option ||
        fail v2_envelope_option "$(tr '\n' ' ' <v2r.json)"; }
# the empty object
: >empty
check v3_empty 0 s3 encrypt --raw-aes-key file=aes256.key --in empty --out e.body --metadata-out e.json &&
    check v3_empty 0 s3 decrypt --raw-aes-key file=aes256.key --in e.body --metadata e.json --out e.out &&
    { [ -f e.out ] && [ ! -s e.out ] && [ "$(stat -c %s e.body)" = 16 ] && pass v3_empty || fail v3_empty "sizes"; }

# ---- standard output: bounded buffer, or delayed authentication ---------------
check max_buffer_refused 3 s3 decrypt --raw-aes-key file=aes256.key --in v3.body --metadata v3.json \
    --max-buffer 64K && one_line max_buffer_refused &&
    { [ ! -s "$OUT" ] && grep -q -- '--delayed-authentication' "$ERR" && pass max_buffer_refused ||
        fail max_buffer_refused "output written or message: $(cat "$ERR")"; }
# from a pipe (size unknown) the same, once the buffer fills
cat v3.body | seckit s3 decrypt --raw-aes-key file=aes256.key --metadata v3.json --max-buffer 64K \
    >pipe.out 2>"$ERR"
[ $? -eq 3 ] && [ ! -s pipe.out ] && pass max_buffer_refused_pipe || fail max_buffer_refused_pipe "$(cat "$ERR")"
# --buffer-limit is the same option (seckit s3 cp's name for it)
check buffer_limit_alias 3 s3 decrypt --raw-aes-key file=aes256.key --in v3.body --metadata v3.json \
    --buffer-limit 64K && [ ! -s "$OUT" ] && pass buffer_limit_alias
check max_buffer_fits 0 s3 decrypt --raw-aes-key file=aes256.key --in v3.body --metadata v3.json --max-buffer 1M &&
    { cmp -s pt "$OUT" && pass max_buffer_fits || fail max_buffer_fits "differs"; }
check delayed_auth 0 s3 decrypt --raw-aes-key file=aes256.key --in v3.body --metadata v3.json \
    --max-buffer 64K --delayed-authentication && { cmp -s pt "$OUT" && pass delayed_auth || fail delayed_auth "differs"; }
cp v3.body v3flip && printf '\001' | dd of=v3flip bs=1 seek=100010 conv=notrunc 2>/dev/null
if check delayed_auth_failure 4 s3 decrypt --raw-aes-key file=aes256.key --in v3flip --metadata v3.json \
    --delayed-authentication; then
    grep -q 'NOT authentic' "$ERR" && pass delayed_auth_failure || fail delayed_auth_failure "$(cat "$ERR")"
fi

# ---- memory does not depend on the size (64 MiB through a pipe) ----------------
if [ -x /usr/bin/time ] && [ -z "${SECKIT_WRAPPER:-}" ]; then
    head -c 67108864 /dev/zero | /usr/bin/time -f %M -o rss.enc "$SECKIT" s3 encrypt \
        --raw-aes-key file=aes256.key --metadata-out big.json >big.body 2>"$ERR"
    /usr/bin/time -f %M -o rss.dec "$SECKIT" s3 decrypt --raw-aes-key file=aes256.key --in big.body \
        --metadata big.json --out big.out 2>"$ERR"
    enc=$(tail -n 1 rss.enc) dec=$(tail -n 1 rss.dec)
    if [ "$(stat -c %s big.out 2>/dev/null)" = 67108864 ] && [ "$enc" -lt 32768 ] && [ "$dec" -lt 32768 ]; then
        pass "bounded_memory (64 MiB: encrypt ${enc} KiB, decrypt ${dec} KiB peak RSS)"
    else
        fail bounded_memory "encrypt ${enc} KiB, decrypt ${dec} KiB, out $(stat -c %s big.out 2>/dev/null)"
    fi
    rm -f big.body big.out
else
    skip bounded_memory "no /usr/bin/time, or run under a wrapper"
fi

# ---- key files and options ----------------------------------------------------
cp aes256.key open.key && chmod 644 open.key
check insecure_key_file 5 s3 encrypt --raw-aes-key file=open.key --in pt --out x.body --metadata-out x.json &&
    one_line insecure_key_file && { grep -q 'chmod 600' "$ERR" && no_output insecure_key_file x.body &&
    pass insecure_key_file || fail insecure_key_file "$(cat "$ERR")"; }
check insecure_key_allowed 0 s3 encrypt --raw-aes-key file=open.key --allow-insecure-key-file --in pt \
    --out x.body --metadata-out x.json && pass insecure_key_allowed
head -c 20 /dev/urandom >odd.key && chmod 600 odd.key
check aes_key_length 2 s3 encrypt --raw-aes-key file=odd.key --in pt --out y.body --metadata-out y.json &&
    one_line aes_key_length && grep -q '16, 24 or 32' "$ERR" && pass aes_key_length
usage() {  # NAME ARGS...: exit 2, one line, names something
    n=$1
    shift
    check "$n" 2 s3 "$@" && one_line "$n" && pass "$n"
}
usage usage_no_key encrypt --in pt --out z.body --metadata-out z.json
usage usage_two_keys_encrypt encrypt --raw-aes-key file=aes256.key --raw-aes-key file=aes128.key --in pt \
    --out z.body --metadata-out z.json
usage usage_no_metadata_out encrypt --raw-aes-key file=aes256.key --in pt --out z.body
usage usage_no_metadata decrypt --raw-aes-key file=aes256.key --in v3.body
usage usage_v2_needs_policy encrypt --raw-aes-key file=aes256.key --envelope v2 --in pt --out z.body \
    --metadata-out z.json
usage usage_v3_forbid encrypt --raw-aes-key file=aes256.key --envelope v3 \
    --commitment-policy forbid-encrypt-allow-decrypt --in pt --out z.body --metadata-out z.json
usage usage_envelope_decrypt decrypt --raw-aes-key file=aes256.key --envelope v3 --in v3.body --metadata v3.json
usage usage_bad_envelope encrypt --raw-aes-key file=aes256.key --envelope v4 --in pt --metadata-out z.json
usage usage_bad_policy decrypt --raw-aes-key file=aes256.key --commitment-policy maybe --in v3.body \
    --metadata v3.json
usage usage_bad_profile decrypt --raw-aes-key file=aes256.key --security-profile v1 --in v3.body --metadata v3.json
usage usage_profile_encrypt encrypt --raw-aes-key file=aes256.key --security-profile v2 --in pt --metadata-out z.json
usage usage_context_raw_key encrypt --raw-aes-key file=aes256.key --encryption-context a=b --in pt \
    --metadata-out z.json
usage usage_reserved_context encrypt --kms-key-id alias/k --encryption-context aws:x-amz-cek-alg=x --in pt \
    --metadata-out z.json
usage usage_matdesc_kms encrypt --kms-key-id alias/k --materials-description a=b --in pt --metadata-out z.json
usage usage_matdesc_twice encrypt --raw-aes-key file=aes256.key --materials-description a=b \
    --materials-description a=c --in pt --metadata-out z.json
usage usage_matdesc_not_pair encrypt --raw-aes-key file=aes256.key --materials-description ab --in pt \
    --metadata-out z.json
usage usage_spec_unknown_key encrypt --raw-aes-key path=aes256.key --in pt --metadata-out z.json
usage usage_spec_no_file encrypt --raw-aes-key file= --in pt --metadata-out z.json
usage usage_bad_max_buffer decrypt --raw-aes-key file=aes256.key --max-buffer lots --in v3.body --metadata v3.json
usage usage_max_buffer_encrypt encrypt --raw-aes-key file=aes256.key --max-buffer 1M --in pt --metadata-out z.json
usage usage_same_in_out encrypt --raw-aes-key file=aes256.key --in pt --out pt --metadata-out z.json
usage usage_same_outputs encrypt --raw-aes-key file=aes256.key --in pt --out z.json --metadata-out z.json
usage usage_metadata_on_encrypt encrypt --raw-aes-key file=aes256.key --in pt --metadata v3.json \
    --metadata-out z.json
usage usage_metadata_out_on_decrypt decrypt --raw-aes-key file=aes256.key --in v3.body --metadata v3.json \
    --metadata-out z.json
usage usage_instruction_file_on_encrypt encrypt --raw-aes-key file=aes256.key --in pt --metadata-out z.json \
    --instruction-file z.instr
grep -q -- '--instruction-file-out' "$ERR" || fail usage_instruction_file_on_encrypt_names "$(cat "$ERR")"
usage usage_delayed_encrypt encrypt --raw-aes-key file=aes256.key --delayed-authentication --in pt \
    --metadata-out z.json
usage usage_extra_argument encrypt --raw-aes-key file=aes256.key --in pt --metadata-out z.json extra
usage usage_unknown_option decrypt --raw-aes-key file=aes256.key --bogus
[ ! -e z.body ] && [ ! -e z.json ] && pass usage_writes_nothing || fail usage_writes_nothing "$(ls)"
CAFE=$(printf 'caf\303\251')
# head-object output shows non-ASCII metadata values RFC 2047-encoded, as S3
# returns them (x-amz-m here): decrypt decodes them as the S3 layer does
if ! command -v python3 >/dev/null 2>&1; then
    skip rfc2047_head_object "no python3 to write the head-object output"
elif check rfc2047_encrypt 0 s3 encrypt --raw-aes-key file=aes256.key --materials-description "kid=$CAFE" \
    --in pt --out u.body --metadata-out u.json; then
    python3 - <<'PY'
import base64, json
m = json.load(open("u.json"))
b = base64.b64encode(m["x-amz-m"].encode()).decode()
# two encoded words (the first 6 bytes are ASCII), as a long value comes back
m["x-amz-m"] = "=?UTF-8?B?" + b[:8] + "?= =?UTF-8?B?" + b[8:] + "?="
json.dump({"ContentLength": 100016, "Metadata": m}, open("u-head.json", "w"))
# the same value Q-encoded, in the bare map
m2 = json.load(open("u.json"))
m2["x-amz-m"] = "=?utf-8?Q?" + "".join(chr(c) if chr(c).isalnum() and c < 128 else "=%02X" % c
                                  for c in m2["x-amz-m"].encode()) + "?="
json.dump(m2, open("u-map.json", "w"))
PY
    grep -q '=?UTF-8?B?' u-head.json && check rfc2047_head_object 0 s3 decrypt --raw-aes-key file=aes256.key \
        --materials-description "kid=$CAFE" --in u.body --metadata u-head.json --out u.out &&
        { cmp -s pt u.out && pass rfc2047_head_object || fail rfc2047_head_object "differs"; }
    grep -q '=?utf-8?Q?' u-map.json && check rfc2047_q_map 0 s3 decrypt --raw-aes-key file=aes256.key \
        --in u.body --metadata u-map.json --out u2.out &&
        { cmp -s pt u2.out && pass rfc2047_q_map || fail rfc2047_q_map "differs"; }
fi
# recursive copies between two s3:// places are copied on the server
# (tests/cli/test-s3-transfer.sh); with a key option they are refused, said clearly
check recursive_s3_to_s3_keys 2 s3 cp s3://bkt/a/ s3://bkt/b/ --recursive --raw-aes-key file=aes256.key \
    --endpoint-url http://127.0.0.1:9 &&
    one_line recursive_s3_to_s3_keys && { grep -q 'key options are for uploads and downloads' "$ERR" &&
    pass recursive_s3_to_s3_keys || fail recursive_s3_to_s3_keys "$(cat "$ERR")"; }
check help_encrypt 0 s3 encrypt --help && grep -q -- '--metadata-out' "$OUT" && pass help_encrypt
check help_s3_lists_offline 0 s3 --help && grep -q 'seckit s3 decrypt' "$OUT" && pass help_s3_lists_offline
finish

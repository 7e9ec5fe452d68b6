# S3 client-side encryption against a real S3-compatible server (OpenStack
# Swift with s3api, started on 127.0.0.1 by swift-up.sh and always stopped
# again), with KMS on the loopback mock (tests/aws/mock_aws): encrypted cp
# both ways (v3/v2, AES/RSA/KMS, metadata and instruction files, multipart,
# --recursive), head, rewrap (one object, manifests with shards and
# reports), and the failures: tampered objects, wrong keys, a server stopped
# in the middle of an upload or a download.
#
# SECKIT_TEST_5GIB=1 adds a 5 GiB object up and down (sparse input), with
# the peak memory (max RSS) of both transfers printed.
. "$top_srcdir/tests/lib.sh"
# absolute paths: the test works in $TMP
top_srcdir=$(cd "$top_srcdir" && pwd)
top_builddir=$(cd "$top_builddir" && pwd)
case "$SECKIT" in /*) ;; *) SECKIT="$PWD/$SECKIT" ;; esac
export SECKIT
here="$top_srcdir/tests/integration"
IT="$top_builddir/tests/integration/s3_it"
mock="$top_builddir/tests/aws/mock_aws"
state="$TMP/swift"
mock_pid=

stop_server() { bash "$here/swift-down.sh" "$state" >/dev/null 2>&1; }
stop_mock() {
    [ -n "$mock_pid" ] || return 0
    exec 9>&-
    kill "$mock_pid" 2>/dev/null
    wait "$mock_pid" 2>/dev/null
    mock_pid=
}
trap 'stop_server; stop_mock; rm -rf "$TMP"' EXIT INT TERM

if [ ! -x "$IT" ]; then
    skip s3cse_integration "$IT is not built"
    finish
fi
t0=$(date +%s)
start_swift s3cse_integration s3cse_swift_up
B=seckit-cse
S="s3://$B"
cd "$TMP" || exit 1

# ---- keys
head -c 32 /dev/urandom >aes.key && chmod 600 aes.key
head -c 32 /dev/urandom >aes2.key && chmod 600 aes2.key
seckit keygen rsa --out rsa.pem --public-out rsa.pub >/dev/null 2>&1 || { fail s3cse_setup "keygen rsa"; finish; }
AES="--raw-aes-key file=aes.key"
RSA="--raw-rsa-key file=rsa.pem"
V2="--envelope v2 --commitment-policy forbid-encrypt-allow-decrypt"
V2READ="--commitment-policy require-encrypt-allow-decrypt"

check s3cse_mb 0 s3 mb "$S" $EP && pass s3cse_mb
head -c 300000 /dev/urandom >small.bin
head -c 11534337 /dev/urandom >big.bin

# stored body = plaintext + 16-byte tag
stored_size() { "$IT" head "$B" "$1" 2>/dev/null | sed -n 's/^size=//p'; }

# ---- round trips: v3/v2 x AES/RSA, envelope in metadata and in an instruction file
for env in v3 v2; do
    for kind in aes rsa; do
        for where in meta instr; do
            name="rt_${env}_${kind}_${where}"
            key="rt/$env-$kind-$where.bin"
            k=$AES
            [ $kind = rsa ] && k=$RSA
            up=""
            down=""
            [ $env = v2 ] && up=$V2 && down=$V2READ
            inst=""
            [ $where = instr ] && inst=--instruction-file
            # shellcheck disable=SC2086
            if check "$name" 0 s3 cp small.bin "$S/$key" $k $up $inst $EP; then
                grep -q "(300000 bytes encrypted, $env)" "$OUT" || fail "$name" "upload: $(cat "$OUT")"
                # shellcheck disable=SC2086
                if check "$name" 0 s3 cp "$S/$key" "back-$name" $k $down $EP; then
                    if cmp -s small.bin "back-$name" && [ "$(stored_size "$key")" = 300016 ]; then
                        pass "$name"
                    else
                        fail "$name" "content or stored size differs ($(stored_size "$key"))"
                    fi
                fi
            fi
        done
    done
done
# the instruction file is its own object, with the marker, and JSON in it
if check instr_file_object 0 s3 cp "$S/rt/v3-aes-instr.bin.instruction" - $EP; then
    grep -q '"x-amz-3"' "$OUT" && grep -q '"x-amz-w":"02"' "$OUT" &&
        ! "$IT" head "$B" rt/v3-aes-instr.bin | grep -q '^meta x-amz-3=' &&
        "$IT" head "$B" rt/v3-aes-instr.bin | grep -q '^meta x-amz-d=' &&
        "$IT" head "$B" rt/v3-aes-instr.bin.instruction | grep -q '^meta x-amz-crypto-instr-file=' &&
        pass instr_file_object || fail instr_file_object "$(cat "$OUT")"
fi
# a custom instruction-file suffix (written and read)
if check instr_suffix 0 s3 cp small.bin "$S/rt/suffix.bin" $AES --instruction-file --instruction-suffix .keys $EP &&
    check instr_suffix 0 s3 cp "$S/rt/suffix.bin.keys" - $EP &&
    check instr_suffix 0 s3 cp "$S/rt/suffix.bin" suffix.back $AES --instruction-suffix .keys $EP; then
    cmp -s small.bin suffix.back && pass instr_suffix || fail instr_suffix "content differs"
fi
check instr_suffix_default_missing 3 s3 cp "$S/rt/suffix.bin" suffix2.back $AES $EP &&
    [ ! -e suffix2.back ] && grep -q 'no .instruction instruction file' "$ERR" && pass instr_suffix_default_missing
# v2 objects are refused under the default commitment policy, naming the option
if check v2_refused_by_default 3 s3 cp "$S/rt/v2-aes-meta.bin" - $AES $EP; then
    grep -q 'commitment-policy' "$ERR" && one_line v2_refused_by_default && pass v2_refused_by_default ||
        fail v2_refused_by_default "$(cat "$ERR")"
fi

# ---- KMS (the mock's KMS, S3 on Swift, one set of credentials)
if [ -x "$mock" ]; then
    mkfifo mock.in
    MOCK_AWS_EXTRA_KEY="$S3_ACCESS_KEY" MOCK_AWS_EXTRA_SECRET="$S3_SECRET_KEY" "$mock" <mock.in >mock.log 2>&1 &
    mock_pid=$!
    exec 9>mock.in
    i=0
    while ! grep -q '^PORT ' mock.log 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    mport=$(sed -n 's/^PORT //p' mock.log)
fi
if [ -n "${mport:-}" ]; then
    KEP="AWS_ENDPOINT_URL_KMS=http://127.0.0.1:$mport AWS_ENDPOINT_URL_S3=$S3_ENDPOINT"
    for env in v3 v2; do
        up=""
        down=""
        [ $env = v2 ] && up=$V2 && down=$V2READ
        # shellcheck disable=SC2086
        if env $KEP "$SECKIT" s3 cp small.bin "$S/kms/$env.bin" --kms-key-id alias/seckit-test \
            --encryption-context team=blue $up >"$OUT" 2>"$ERR" &&
            env $KEP "$SECKIT" s3 cp "$S/kms/$env.bin" "kms-$env.back" --kms-key-id alias/seckit-test \
                --encryption-context team=blue $down >"$OUT" 2>"$ERR" && cmp -s small.bin "kms-$env.back"; then
            pass "rt_${env}_kms"
        else
            fail "rt_${env}_kms" "$(cat "$ERR")"
        fi
    done
    # shellcheck disable=SC2086
    if env $KEP "$SECKIT" s3 cp "$S/kms/v3.bin" kms-wrong --kms-key-id alias/seckit-test \
        --encryption-context team=red >"$OUT" 2>"$ERR"; then
        fail kms_wrong_context "accepted"
    else
        st=$?
        [ $st -eq 4 ] && [ ! -e kms-wrong ] && pass kms_wrong_context || fail kms_wrong_context "exit $st: $(cat "$ERR")"
    fi
    # rewrap from a raw AES key to the KMS key (KMS Encrypt with the context)
    seckit s3 cp small.bin "$S/kms/rw.bin" $AES $EP >/dev/null 2>&1
    # shellcheck disable=SC2086
    if env $KEP "$SECKIT" s3 rewrap "$S/kms/rw.bin" $AES --to-kms-key-id alias/seckit-test \
        --encryption-context team=blue >"$OUT" 2>"$ERR" &&
        env $KEP "$SECKIT" s3 cp "$S/kms/rw.bin" kms-rw.back --kms-key-id alias/seckit-test \
            --encryption-context team=blue >"$OUT" 2>"$ERR" && cmp -s small.bin kms-rw.back &&
        env $KEP "$SECKIT" s3 head "$S/kms/rw.bin" --format json >"$OUT" 2>"$ERR" &&
        grep -q '"key_wrapping":[[:space:]]*"kms+context"' "$OUT" && grep -q '"team":[[:space:]]*"blue"' "$OUT"; then
        pass rewrap_aes_to_kms
    else
        fail rewrap_aes_to_kms "$(cat "$ERR" "$OUT" | head -c 400)"
    fi
else
    skip rt_kms "the mock AWS server (KMS) is not available"
fi

# ---- multipart: one GCM stream over 5 MiB parts, from a pipe and from a file
if cat big.bin | seckit s3 cp - "$S/mp/pipe.bin" --part-size 5MiB $AES $EP >"$OUT" 2>"$ERR"; then
    grep -q "(11534337 bytes encrypted, v3, 3 parts)" "$OUT" && pass mp_up_pipe || fail mp_up_pipe "$(cat "$OUT")"
else
    fail mp_up_pipe "$(cat "$ERR")"
fi
if check mp_up_file 0 s3 cp big.bin "$S/mp/file.bin" --part-size 5MiB $RSA $EP; then
    grep -q "(11534337 bytes encrypted, v3, 3 parts)" "$OUT" && pass mp_up_file || fail mp_up_file "$(cat "$OUT")"
fi
# without --part-size a file up to 5 GiB goes up as ONE PutObject, encrypted
# as it is sent (no parts), and reads back
if check stream_up_file 0 s3 cp big.bin "$S/stream/file.bin" $AES $EP; then
    grep -q "(11534337 bytes encrypted, v3)\$" "$OUT" && pass stream_up_file || fail stream_up_file "$(cat "$OUT")"
fi
if check stream_down_file 0 s3 cp "$S/stream/file.bin" stream.back $AES $EP; then
    cmp -s big.bin stream.back && [ "$(stored_size "stream/file.bin")" = 11534353 ] && pass stream_down_file ||
        fail stream_down_file "content or size differs"
fi
for k in pipe file; do
    kk=$AES
    [ $k = file ] && kk=$RSA
    # shellcheck disable=SC2086
    if check "mp_down_$k" 0 s3 cp "$S/mp/$k.bin" "mp-$k.back" $kk $EP; then
        cmp -s big.bin "mp-$k.back" && [ "$(stored_size "mp/$k.bin")" = 11534353 ] && pass "mp_down_$k" ||
            fail "mp_down_$k" "content or size differs"
    fi
done
# a plaintext that fills its last part exactly: the tag goes in a part of its own
head -c 10485760 big.bin >exact.bin
if check mp_tag_own_part 0 s3 cp exact.bin "$S/mp/exact.bin" --part-size 5MiB $AES $EP &&
    check mp_tag_own_part 0 s3 cp "$S/mp/exact.bin" exact.back $AES $EP; then
    cmp -s exact.bin exact.back && pass mp_tag_own_part || fail mp_tag_own_part "content differs"
fi
# to standard output: held back until the tag verifies, or streamed with --delayed-authentication
if check stdout_buffered 0 s3 cp "$S/mp/pipe.bin" - $AES $EP; then
    cmp -s big.bin "$OUT" && pass stdout_buffered || fail stdout_buffered "content differs"
fi
if check stdout_over_limit 3 s3 cp "$S/mp/pipe.bin" - $AES --max-buffer 1MiB $EP; then
    [ ! -s "$OUT" ] && one_line stdout_over_limit && grep -q 'delayed-authentication' "$ERR" &&
        pass stdout_over_limit || fail stdout_over_limit "output or message: $(cat "$ERR")"
fi
if check stdout_delayed 0 s3 cp "$S/mp/pipe.bin" - $AES --max-buffer 1MiB --delayed-authentication $EP; then
    cmp -s big.bin "$OUT" && pass stdout_delayed || fail stdout_delayed "content differs"
fi

# on a terminal (script(1) gives it a pty) the progress bar is drawn, up and down
if command -v script >/dev/null 2>&1; then
    script -qec "\"$SECKIT\" s3 cp big.bin \"$S/mp/tty.bin\" --part-size 5MiB $AES $EP" /dev/null \
        >tty.out 2>&1 </dev/null
    tr '\r' '\n' <tty.out | grep -q '^\[##############################\] 100% 11.0 MiB / 11.0 MiB' &&
        pass progress_up_terminal || fail progress_up_terminal "$(tr '\r' '|' <tty.out | head -c 300)"
    script -qec "\"$SECKIT\" s3 cp \"$S/mp/tty.bin\" tty.back $AES $EP" /dev/null >tty2.out 2>&1 </dev/null
    tr '\r' '\n' <tty2.out | grep -q '^\[##############################\] 100% 11.0 MiB / 11.0 MiB' &&
        cmp -s big.bin tty.back && pass progress_down_terminal ||
        fail progress_down_terminal "$(tr '\r' '|' <tty2.out | head -c 300)"
else
    skip progress_terminal "no script(1) to make a terminal"
fi

# ---- recursive: a folder up, a prefix down
mkdir -p tree/a/b "tree/with space"
printf one >tree/top.txt
head -c 70000 /dev/urandom >tree/a/b/deep.bin
printf three >"tree/with space/x y.txt"
: >tree/a/empty
if check recursive_up 0 s3 cp tree "$S/tree" --recursive $AES --instruction-file $EP; then
    [ "$(grep -c '^upload: ' "$OUT")" -eq 4 ] && pass recursive_up || fail recursive_up "$(cat "$OUT")"
fi
if check recursive_down 0 s3 cp "$S/tree/" tree.back --recursive $AES $EP; then
    diff -r tree tree.back >/dev/null && [ "$(grep -c '^download: ' "$OUT")" -eq 4 ] &&
        [ -z "$(find tree.back -name '*.instruction')" ] && pass recursive_down ||
        fail recursive_down "$(diff -r tree tree.back 2>&1 | head -3; cat "$OUT")"
fi

# ---- head: the envelope, never key material
if check head_text 0 s3 head "$S/rt/v3-rsa-meta.bin" $EP; then
    grep -q '^envelope: *v3 (key-committing)' "$OUT" && grep -q '^key wrapping: *RSA-OAEP-SHA1' "$OUT" &&
        grep -q '^content algorithm: *115' "$OUT" && grep -q 'object metadata' "$OUT" &&
        pass head_text || fail head_text "$(cat "$OUT")"
fi
if check head_json 0 s3 head "$S/rt/v2-aes-instr.bin" --format json $EP; then
    python3 - "$OUT" <<'EOF' && pass head_json || fail head_json "$(cat "$OUT")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["envelope"] == "v2" and d["location"] == "instruction-file", d
assert d["key_wrapping"] == "AES/GCM" and d["content_algorithm"] == "AES/GCM/NoPadding", d
assert d["wrapped_key_bytes"] == 60 and d["size"] == 300016 and d["plaintext_length"] == 300000, d
assert d["key_committing"] is False and d["legacy"] is False, d
EOF
fi
aeskey64=$(base64 -w0 <aes.key)
if grep -qF "$aeskey64" "$OUT"; then fail head_no_key_material "the key is in the output"; else pass head_no_key_material; fi
check head_not_encrypted 3 s3 head "$S/rt/v3-aes-instr.bin.instruction" $EP && one_line head_not_encrypted &&
    grep -q 'not client-side encrypted' "$ERR" && pass head_not_encrypted

# ---- failures on download: nothing reaches the destination
printf 'plain text' | seckit s3 cp - "$S/plain.txt" $EP >/dev/null 2>&1
check not_encrypted 3 s3 cp "$S/plain.txt" plain.out $AES $EP && [ ! -e plain.out ] &&
    grep -q 'not client-side encrypted' "$ERR" && pass not_encrypted
check wrong_key 4 s3 cp "$S/rt/v3-aes-meta.bin" wrong.out --raw-aes-key file=aes2.key $EP &&
    [ ! -e wrong.out ] && one_line wrong_key && pass wrong_key
# tampered: one bit of the body flipped on the server, the metadata kept
tamper() {  # KEY OFFSET
    seckit s3 cp "$S/$1" raw.bin $EP >/dev/null 2>&1 || return 1
    python3 - raw.bin "$2" <<'EOF' || return 1
import sys
p, off = sys.argv[1], int(sys.argv[2])
b = bytearray(open(p, 'rb').read())
b[off] ^= 1
open(p, 'wb').write(b)
EOF
    meta=$("$IT" head "$B" "$1" | sed -n 's/^meta //p' | paste -sd, -)
    seckit s3 cp raw.bin "$S/$1" --metadata "$meta" $EP >/dev/null 2>&1
}
seckit s3 cp small.bin "$S/tamper/body" $AES $EP >/dev/null 2>&1
seckit s3 cp small.bin "$S/tamper/tag" $AES $EP >/dev/null 2>&1
echo keep >tampered.out
if tamper tamper/body 1000 && tamper tamper/tag 300010; then
    for t in body tag; do
        check "tampered_$t" 4 s3 cp "$S/tamper/$t" tampered.out $AES $EP &&
            [ "$(cat tampered.out)" = keep ] && [ -z "$(ls -A | grep '^tampered.out.tmp')" ] &&
            one_line "tampered_$t" && pass "tampered_$t"
    done
    check tampered_stdout 4 s3 cp "$S/tamper/body" - $AES $EP && [ ! -s "$OUT" ] && pass tampered_stdout
else
    fail tampered "could not tamper with the objects"
fi
# a ranged read: only with the legacy profile, and said to be unauthenticated
check range_needs_profile 3 s3 cp "$S/rt/v3-aes-meta.bin" - --range bytes=100-199 $AES $EP &&
    grep -q 'security-profile v2-and-legacy' "$ERR" && pass range_needs_profile
if check range_legacy 0 s3 cp "$S/rt/v3-aes-meta.bin" - --range bytes=100-199 $AES \
    --security-profile v2-and-legacy --commitment-policy require-encrypt-allow-decrypt $EP; then
    dd if=small.bin bs=1 skip=100 count=100 2>/dev/null | cmp -s - "$OUT" && pass range_legacy ||
        fail range_legacy "wrong bytes"
fi

# ---- rewrap: raw AES -> RSA, then only the RSA key opens it
seckit s3 cp small.bin "$S/rw/one.bin" $AES --metadata owner=ops --content-type text/plain $EP >/dev/null 2>&1
etag=$("$IT" head "$B" rw/one.bin | sed -n 's/^etag=//p')
check rewrap_stale_etag 6 s3 rewrap "$S/rw/one.bin" $AES --to-raw-rsa-key file=rsa.pem \
    --if-match '"0123456789abcdef0123456789abcdef"' $EP && grep -q PreconditionFailed "$ERR" &&
    pass rewrap_stale_etag
if check rewrap_aes_to_rsa 0 s3 rewrap "$S/rw/one.bin" $AES --to-raw-rsa-key file=rsa.pem --if-match "$etag" $EP; then
    grep -q '^rewrap: ' "$OUT" && pass rewrap_aes_to_rsa || fail rewrap_aes_to_rsa "$(cat "$OUT")"
fi
check rewrap_old_key_refused 4 s3 cp "$S/rw/one.bin" old.out $AES $EP && [ ! -e old.out ] && pass rewrap_old_key_refused
if check rewrap_new_key 0 s3 cp "$S/rw/one.bin" new.out $RSA $EP; then
    cmp -s small.bin new.out && pass rewrap_new_key || fail rewrap_new_key "content differs"
fi
"$IT" head "$B" rw/one.bin >rw.head
grep -qx 'meta owner=ops' rw.head && grep -qx 'content-type=text/plain' rw.head && pass rewrap_keeps_metadata ||
    fail rewrap_keeps_metadata "$(tr '\n' ' ' <rw.head)"
if check rewrap_again_skips 0 s3 rewrap "$S/rw/one.bin" $AES --to-raw-rsa-key file=rsa.pem $EP; then
    grep -q '^skip: ' "$OUT" && pass rewrap_again_skips || fail rewrap_again_skips "$(cat "$OUT")"
fi
# a multipart object: Swift cannot evaluate x-amz-copy-source-if-match on its
# ETag ("...-3"); the refusal says so, and --unconditional copies without it
if check rewrap_multipart_refused 6 s3 rewrap "$S/mp/file.bin" $RSA --to-raw-aes-key file=aes2.key $EP; then
    grep -q 'has not changed: the server cannot evaluate x-amz-copy-source-if-match' "$ERR" &&
        one_line rewrap_multipart_refused && pass rewrap_multipart_refused ||
        fail rewrap_multipart_refused "$(cat "$ERR")"
fi
if check rewrap_multipart_unconditional 0 s3 rewrap "$S/mp/file.bin" $RSA --to-raw-aes-key file=aes2.key \
    --unconditional $EP && check rewrap_multipart_unconditional 0 s3 cp "$S/mp/file.bin" mp-rw.back \
    --raw-aes-key file=aes2.key $EP; then
    cmp -s big.bin mp-rw.back && pass rewrap_multipart_unconditional || fail rewrap_multipart_unconditional "content differs"
fi
check rewrap_unconditional_if_match 2 s3 rewrap "$S/mp/file.bin" $RSA --to-raw-aes-key file=aes2.key \
    --unconditional --if-match '"x"' $EP && pass rewrap_unconditional_if_match
# an envelope in an instruction file gets a new instruction file
seckit s3 cp small.bin "$S/rw/instr.bin" $AES --instruction-file $EP >/dev/null 2>&1
if check rewrap_instruction 0 s3 rewrap "$S/rw/instr.bin" $AES --to-raw-aes-key file=aes2.key $EP &&
    check rewrap_instruction 0 s3 cp "$S/rw/instr.bin" instr.out --raw-aes-key file=aes2.key $EP; then
    cmp -s small.bin instr.out && pass rewrap_instruction || fail rewrap_instruction "content differs"
fi

# ---- rewrap --manifest: two shards, a report each, then a re-run that skips
: >manifest.csv
for i in 1 2 3 4 5 6 7 8; do
    seckit s3 cp small.bin "$S/fleet/obj $i.bin" $AES $EP >/dev/null 2>&1
    printf '%s,fleet/obj%%20%s.bin\n' "$B" "$i" >>manifest.csv
done
printf '"%s","fleet/missing.bin"\n' "$B" >>manifest.csv
for sh in 0 1; do
    seckit s3 rewrap --manifest manifest.csv --shard "$sh/2" --report "report$sh.csv" $AES \
        --to-raw-rsa-key file=rsa.pem $EP >"shard$sh.out" 2>"shard$sh.err"
    echo $? >"shard$sh.rc"
done
ok=$(cat report0.csv report1.csv 2>/dev/null | grep -c ',succeeded,200,,Successful$')
failed=$(cat report0.csv report1.csv 2>/dev/null | grep -c "^$B,fleet/missing.bin,,failed,")
n0=$(wc -l <report0.csv 2>/dev/null || echo 0)
n1=$(wc -l <report1.csv 2>/dev/null || echo 0)
if [ "$ok" -eq 8 ] && [ "$failed" -eq 1 ] && [ "$n0" -gt 0 ] && [ "$n1" -gt 0 ] &&
    [ $((n0 + n1)) -eq 9 ] && grep -q "^$B,fleet/obj%201.bin,,succeeded" report0.csv report1.csv; then
    pass manifest_shards_report
else
    fail manifest_shards_report "ok=$ok failed=$failed n0=$n0 n1=$n1: $(cat report0.csv report1.csv shard0.err shard1.err 2>&1 | head -20 | tr '\n' '|')"
fi
# the shard that met the missing object exits 1; both print a summary
if [ "$(cat shard0.rc)$(cat shard1.rc)" = 01 ] || [ "$(cat shard0.rc)$(cat shard1.rc)" = 10 ]; then
    pass manifest_exit_status
else
    fail manifest_exit_status "exit statuses $(cat shard0.rc) $(cat shard1.rc)"
fi
grep -q '^rewrap: .* rewrapped, .* skipped' shard0.out && pass manifest_summary || fail manifest_summary "$(cat shard0.out)"
all_rsa=1
for i in 1 2 3 4 5 6 7 8; do
    seckit s3 cp "$S/fleet/obj $i.bin" fleet.out $RSA $EP >/dev/null 2>&1 && cmp -s small.bin fleet.out || all_rsa=0
done
[ $all_rsa = 1 ] && pass manifest_all_rewrapped || fail manifest_all_rewrapped "some objects do not open with the RSA key"
if seckit s3 rewrap --manifest manifest.csv --shard 0/2 --report again.csv $AES --to-raw-rsa-key file=rsa.pem $EP \
    >again.out 2>again.err || true; then
    skipped=$(grep -c 'Skipped: already wrapped for the target key' again.csv)
    [ "$skipped" -eq "$(grep -c Successful report0.csv)" ] && grep -q ' 0 rewrapped' again.out &&
        pass manifest_rerun_skips || fail manifest_rerun_skips "$(cat again.out again.csv | tr '\n' '|')"
fi
check manifest_bad_shard 2 s3 rewrap --manifest manifest.csv --shard 2/2 $AES --to-raw-rsa-key file=rsa.pem $EP &&
    one_line manifest_bad_shard && pass manifest_bad_shard
printf 'only-a-bucket\n' >bad.csv
check manifest_malformed 3 s3 rewrap --manifest bad.csv $AES --to-raw-rsa-key file=rsa.pem $EP &&
    grep -q 'line 1' "$ERR" && pass manifest_malformed
# an S3 Inventory CSV with a schema: delete markers and old versions are left alone
printf '"%s","fleet/obj+1.bin","","true","false","300016"\n"%s","fleet/gone","","true","true",""\n' "$B" "$B" >inv.csv
if check manifest_inventory 0 s3 rewrap --manifest inv.csv --manifest-format inventory \
    --inventory-schema "Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size" \
    --raw-rsa-key file=rsa.pem --to-raw-aes-key file=aes2.key $EP; then
    grep -q '1 rewrapped, 0 skipped .* 0 failed; 0 for other shards, 1 not applicable' "$OUT" &&
        seckit s3 cp "$S/fleet/obj 1.bin" inv.out --raw-aes-key file=aes2.key $EP >/dev/null 2>&1 &&
        pass manifest_inventory || fail manifest_inventory "$(cat "$OUT")"
fi

# ---- usage errors
check usage_no_target 2 s3 rewrap "$S/rw/one.bin" $RSA $EP && one_line usage_no_target && pass usage_no_target
check usage_two_keys_encrypt 2 s3 cp small.bin "$S/x" $AES $RSA $EP && pass usage_two_keys_encrypt
check usage_keys_s3_to_s3 2 s3 cp "$S/rw/one.bin" "$S/rw/two.bin" $AES $EP && pass usage_keys_s3_to_s3

# ---- 5 GiB (opt-in): multipart up and down with the peak memory measured
if [ "${SECKIT_TEST_5GIB:-}" = 1 ]; then
    truncate -s 5G five.bin
    t5=$(date +%s)
    if /usr/bin/time -f '%M' -o up5.rss "$SECKIT" s3 cp five.bin "$S/five.bin" --part-size 16MiB --no-progress $AES $EP \
        >"$OUT" 2>"$ERR"; then
        tu=$(( $(date +%s) - t5 ))
        t5=$(date +%s)
        if /usr/bin/time -f '%M' -o down5.rss "$SECKIT" s3 cp "$S/five.bin" five.back --no-progress $AES $EP \
            >"$OUT" 2>"$ERR" && cmp -s five.bin five.back; then
            td=$(( $(date +%s) - t5 ))
            pass "five_gib (up ${tu}s, max RSS $(tail -1 up5.rss) KiB; down ${td}s, max RSS $(tail -1 down5.rss) KiB)"
        else
            fail five_gib "download: $(cat "$ERR")"
        fi
        rm -f five.back
        seckit s3 rm "$S/five.bin" $EP >/dev/null 2>&1
    else
        fail five_gib "upload: $(cat "$ERR")"
    fi
    rm -f five.bin
else
    skip five_gib "set SECKIT_TEST_5GIB=1 to send a 5 GiB object up and down"
fi

# ---- the server stops in the middle of a download: no destination file
head -c 67108864 /dev/urandom >dl.bin
seckit s3 cp dl.bin "$S/dl.bin" $AES $EP >/dev/null 2>&1
seckit s3 cp "$S/dl.bin" dl.out $AES $EP >"$TMP/dl.stdout" 2>"$TMP/dl.err" &
dl_pid=$!
i=0
until ls -A | grep -q '^dl\.out\.tmp-' || [ $i -ge 300 ]; do i=$((i + 1)); sleep 0.01; done
kill -STOP $dl_pid 2>/dev/null
stop_server
kill -CONT $dl_pid 2>/dev/null
wait $dl_pid
st=$?
if [ $st -eq 5 ] && [ ! -e dl.out ] && [ -z "$(ls -A | grep '^dl\.out\.')" ]; then
    pass interrupted_download_no_file
elif [ $st -eq 0 ]; then
    skip interrupted_download_no_file "the download finished before the server stopped"
else
    fail interrupted_download_no_file "exit $st: $(cat "$TMP/dl.err"; ls -A | grep '^dl\.out')"
fi

# ---- the server stops in the middle of an encrypted multipart upload
bash "$here/swift-up.sh" "$state" >"$TMP/up2.out" 2>"$TMP/up2.err" || fail s3cse_swift_restart "$(tail -n 5 "$TMP/up2.err")"
proxy_log="$state/log/proxy-server.log"
mkfifo fifo
seckit s3 cp - "$S/int/upload.bin" --part-size 5MiB $AES $EP <fifo >int.out 2>int.err &
cp_pid=$!
exec 3>fifo
head -c 5242880 big.bin >&3
head -c 1 big.bin >&3
i=0
until grep -q 'PUT /seckit-cse/int/upload.bin%3FpartNumber%3D1%26uploadId%3D[^ ]* HTTP/1.0 200 ' "$proxy_log"; do
    i=$((i + 1))
    [ $i -lt 600 ] || break
    sleep 0.1
done
[ $i -lt 600 ] && pass interrupted_upload_part1_stored || fail interrupted_upload_part1_stored "part 1 never reached the server"
stop_server
head -c 1048576 big.bin >&3
exec 3>&-
wait $cp_pid
st=$?
[ $st -eq 5 ] && pass interrupted_upload_exit_5 || fail interrupted_upload_exit_5 "exit $st: $(cat int.err)"
if bash "$here/swift-up.sh" "$state" >"$TMP/up3.out" 2>"$TMP/up3.err"; then
    "$IT" head "$B" int/upload.bin >int.head 2>&1
    [ $? -eq 6 ] && pass interrupted_upload_no_object || fail interrupted_upload_no_object "$(cat int.head)"
else
    fail s3cse_swift_restart "$(tail -n 5 "$TMP/up3.err")"
fi

"$IT" purge "$B" >purge.out 2>&1 && pass s3cse_purge || fail s3cse_purge "$(cat purge.out)"
stop_mock
echo "# S3 encryption integration: $(( $(date +%s) - t0 )) s" >&2
finish

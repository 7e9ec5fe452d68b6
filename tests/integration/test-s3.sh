# `seckit s3` and the S3 library calls against a real S3-compatible server:
# OpenStack Swift with s3api + tempauth, started on 127.0.0.1 by
# swift-up.sh in a scratch folder and always stopped again (trap).
. "$top_srcdir/tests/lib.sh"
here="$top_srcdir/tests/integration"
IT="$top_builddir/tests/integration/s3_it"
state="$TMP/swift"

stop_server() { bash "$here/swift-down.sh" "$state" >/dev/null 2>&1; }
trap 'stop_server; rm -rf "$TMP"' EXIT INT TERM

if [ ! -x "$IT" ]; then
    skip s3_integration "$IT is not built"
    finish
fi
t0=$(date +%s)
start_swift s3_integration swift_up
B=seckit-it
S="s3://$B"
proxy_log="$state/log/proxy-server.log"

if check cli_mb 0 s3 mb "$S" $EP; then
    grep -qx "make_bucket: $S" "$OUT" && pass cli_mb || fail cli_mb "$(cat "$OUT")"
fi
check cli_mb_owned_again 0 s3 mb "$S" $EP && pass cli_mb_owned_again

# ---- the library, through a small C program
"$IT" checks "$B" >"$TMP/lib.out" 2>&1
cat "$TMP/lib.out"
grep -q '^PASS lib_' "$TMP/lib.out" || fail lib_checks "ran no checks: $(tail -n 5 "$TMP/lib.out" | tr '\n' ' ')"

# ---- the command
head -c 300000 /dev/urandom >"$TMP/small.bin"
KEY='cli/dir one/naïve café ☃ 日本 (1)+x.txt'
if check cli_put_metadata 0 s3 cp "$TMP/small.bin" "$S/$KEY" $EP --metadata colour=blue,owner=ops \
    --content-type text/plain; then
    grep -q "^upload: .* (300000 bytes)" "$OUT" && pass cli_put_metadata || fail cli_put_metadata "output: $(cat "$OUT")"
fi
"$IT" head "$B" "$KEY" >"$TMP/head.out" 2>&1
if grep -qx 'meta colour=blue' "$TMP/head.out" && grep -qx 'meta owner=ops' "$TMP/head.out" &&
    grep -qx 'size=300000' "$TMP/head.out" && grep -qx 'content-type=text/plain' "$TMP/head.out"; then
    pass cli_put_metadata_stored
else
    fail cli_put_metadata_stored "$(tr '\n' ' ' <"$TMP/head.out")"
fi
if check cli_get_file 0 s3 cp "$S/$KEY" "$TMP/back.bin" $EP; then
    cmp -s "$TMP/small.bin" "$TMP/back.bin" && pass cli_get_file || fail cli_get_file "content differs"
fi
mkdir -p "$TMP/dl"
if check cli_get_into_folder 0 s3 cp "$S/$KEY" "$TMP/dl" $EP; then
    cmp -s "$TMP/small.bin" "$TMP/dl/naïve café ☃ 日本 (1)+x.txt" && pass cli_get_into_folder ||
        fail cli_get_into_folder "$(ls "$TMP/dl")"
fi
if check cli_get_stdout 0 s3 cp "$S/$KEY" - $EP; then
    cmp -s "$TMP/small.bin" "$OUT" && pass cli_get_stdout || fail cli_get_stdout "content differs"
fi
if check cli_range 0 s3 cp "$S/$KEY" - --range bytes=10-19 $EP; then
    dd if="$TMP/small.bin" bs=1 skip=10 count=10 2>/dev/null | cmp -s - "$OUT" && pass cli_range ||
        fail cli_range "wrong bytes"
fi
if check cli_range_suffix 0 s3 cp "$S/$KEY" "$TMP/tail.bin" --range bytes=-16 $EP; then
    tail -c 16 "$TMP/small.bin" | cmp -s - "$TMP/tail.bin" && pass cli_range_suffix ||
        fail cli_range_suffix "wrong bytes"
fi

# 0-byte object, from a file and from standard input
: >"$TMP/empty"
check cli_put_empty 0 s3 cp "$TMP/empty" "$S/cli/empty" $EP && pass cli_put_empty
if check cli_get_empty 0 s3 cp "$S/cli/empty" "$TMP/empty.back" $EP; then
    [ -f "$TMP/empty.back" ] && [ ! -s "$TMP/empty.back" ] && pass cli_get_empty || fail cli_get_empty "not an empty file"
fi
if seckit s3 cp - "$S/cli/empty-stdin" $EP </dev/null >"$OUT" 2>"$ERR" &&
    "$IT" head "$B" cli/empty-stdin | grep -qx 'size=0'; then
    pass cli_put_empty_stdin
else
    fail cli_put_empty_stdin "$(cat "$ERR")"
fi

# multipart: 11 MiB + 1 byte in 5 MiB parts, from a pipe (one part buffered
# at a time) and from a file (pread); downloads in 5 MiB ranges
head -c 11534337 /dev/urandom >"$TMP/big.bin"
if cat "$TMP/big.bin" | seckit s3 cp - "$S/cli/big-stdin" --part-size 5MiB $EP >"$OUT" 2>"$ERR"; then
    grep -q "(11534337 bytes, 3 parts)" "$OUT" && pass cli_multipart_stdin || fail cli_multipart_stdin "$(cat "$OUT")"
else
    fail cli_multipart_stdin "exit $?: $(cat "$ERR")"
fi
[ ! -s "$ERR" ] && pass cli_no_progress_off_terminal || fail cli_no_progress_off_terminal "stderr: $(head -c 200 "$ERR")"
# on a terminal (script(1) gives it a pty) the progress bar is drawn on stderr
if command -v script >/dev/null 2>&1; then
    script -qec "\"$SECKIT\" s3 cp \"$TMP/big.bin\" \"$S/cli/tty.bin\" --part-size 5MiB $EP" /dev/null \
        >"$TMP/tty.out" 2>&1 </dev/null
    tr '\r' '\n' <"$TMP/tty.out" | grep -q '^\[##############################\] 100% 11.0 MiB / 11.0 MiB' &&
        pass cli_progress_on_terminal || fail cli_progress_on_terminal "$(tr '\r' '|' <"$TMP/tty.out" | head -c 300)"
else
    skip cli_progress_on_terminal "no script(1) to make a terminal"
fi
if check cli_multipart_file 0 s3 cp "$TMP/big.bin" "$S/cli/" --part-size 5M $EP; then
    grep -q "to $S/cli/big.bin (11534337 bytes, 3 parts)" "$OUT" && pass cli_multipart_file ||
        fail cli_multipart_file "$(cat "$OUT")"
fi
if check cli_multipart_get 0 s3 cp "$S/cli/big-stdin" "$TMP/big.back" --part-size 5MiB $EP; then
    cmp -s "$TMP/big.bin" "$TMP/big.back" && pass cli_multipart_get || fail cli_multipart_get "content differs"
fi
if check cli_multipart_get_stdout 0 s3 cp "$S/cli/big.bin" - --part-size 5MiB $EP; then
    cmp -s "$TMP/big.bin" "$OUT" && pass cli_multipart_get_stdout || fail cli_multipart_get_stdout "content differs"
fi
[ "$(grep -c 'GET /seckit-it/cli/big-stdin' "$proxy_log")" -ge 3 ] && pass cli_ranged_download_parts ||
    fail cli_ranged_download_parts "expected 3 ranged GETs in the proxy log"

# copy with REPLACE (new metadata, the old metadata gone)
if check cli_copy_replace 0 s3 cp "$S/$KEY" "$S/cli/copied.txt" --metadata-directive REPLACE \
    --metadata stage=final $EP; then
    "$IT" head "$B" cli/copied.txt >"$TMP/head2.out" 2>&1
    grep -qx 'meta stage=final' "$TMP/head2.out" && ! grep -q 'colour' "$TMP/head2.out" &&
        grep -qx 'size=300000' "$TMP/head2.out" && pass cli_copy_replace ||
        fail cli_copy_replace "$(tr '\n' ' ' <"$TMP/head2.out")"
fi
check cli_copy_meta_needs_replace 2 s3 cp "$S/$KEY" "$S/cli/c2" --metadata a=b $EP && one_line cli_copy_meta_needs_replace &&
    pass cli_copy_meta_needs_replace

# list with paging (page size 2 over 7 keys: 4 requests)
for i in 1 2 3 4 5 6 7; do printf 'k%s' "$i" | seckit s3 cp - "$S/pages/k$i" $EP >/dev/null 2>&1; done
before=$(grep -c 'continuation-token' "$proxy_log")
if check cli_ls_paging 0 s3 ls "$S/pages/" --page-size 2 $EP; then
    after=$(grep -c 'continuation-token' "$proxy_log")
    n=$(grep -c ' k[1-7]$' "$OUT")
    [ "$n" -eq 7 ] && [ $((after - before)) -eq 3 ] && pass cli_ls_paging ||
        fail cli_ls_paging "$n keys, $((after - before)) continuation requests: $(tr '\n' '|' <"$OUT")"
fi
if check cli_ls_folders 0 s3 ls "$S/cli/" $EP; then
    grep -q 'PRE dir one/$' "$OUT" && grep -q ' 11534337 big.bin$' "$OUT" && grep -q ' 0 empty$' "$OUT" &&
        pass cli_ls_folders || fail cli_ls_folders "$(tr '\n' '|' <"$OUT")"
fi
if check cli_ls_recursive 0 s3 ls "$S/cli/" --recursive $EP; then
    grep -qF " 300000 $KEY" "$OUT" && pass cli_ls_recursive || fail cli_ls_recursive "$(tr '\n' '|' <"$OUT")"
fi

# virtual-hosted addressing (the profile's s3.addressing_style, as the AWS
# CLI): http://seckit-it.localhost:PORT/KEY; the proxy log shows the path
# without the bucket
printf '[default]\ns3 =\n    addressing_style = virtual\n' >"$TMP/aws-virtual"
vep="--endpoint-url http://localhost:${S3_ENDPOINT##*:}"
if printf 'virtual hello' | AWS_CONFIG_FILE="$TMP/aws-virtual" seckit s3 cp - "$S/virt/hello" $vep >"$OUT" 2>"$ERR" &&
    AWS_CONFIG_FILE="$TMP/aws-virtual" seckit s3 cp "$S/virt/hello" - $vep >"$TMP/virt.out" 2>"$ERR" &&
    [ "$(cat "$TMP/virt.out")" = 'virtual hello' ] &&
    grep -q 'PUT /virt/hello HTTP/1.0 200' "$proxy_log" && grep -q 'GET /virt/hello HTTP/1.0 200' "$proxy_log"; then
    pass cli_virtual_hosted
else
    fail cli_virtual_hosted "$(cat "$ERR")"
fi

# UTF-8 metadata: sent RFC 2047-encoded, read back decoded
if check cli_meta_utf8 0 s3 cp "$TMP/empty" "$S/cli/utf8" --metadata 'name=naïve café ☃ 日本,plain=x' $EP; then
    "$IT" head "$B" cli/utf8 >"$TMP/head5.out" 2>&1
    grep -qx 'meta name=naïve café ☃ 日本' "$TMP/head5.out" && grep -qx 'meta plain=x' "$TMP/head5.out" &&
        pass cli_meta_utf8 || fail cli_meta_utf8 "$(tr '\n' ' ' <"$TMP/head5.out")"
fi
check cli_meta_control_char 2 s3 cp "$TMP/empty" "$S/cli/ctl" --metadata "$(printf 'a=b\tc')" $EP &&
    one_line cli_meta_control_char && pass cli_meta_control_char

# --no-overwrite: Swift's s3api answers 501 NotImplemented to If-None-Match
# on PUT (the behaviour is tested against the mock, tests/cli/test-s3-mock.sh)
if check cli_no_overwrite_unsupported 6 s3 cp "$TMP/empty" "$S/cli/no-overwrite" --no-overwrite $EP; then
    grep -q NotImplemented "$ERR" && pass cli_no_overwrite_unsupported
fi

# rm --recursive: list + DeleteObjects; only keys under the prefix go
for k in a b 'c d/é'; do printf 'x' | seckit s3 cp - "$S/rmr/$k" $EP >/dev/null 2>&1; done
printf 'keep' | seckit s3 cp - "$S/rmr2/keep" $EP >/dev/null 2>&1
before=$(grep -c 'POST /seckit-it?delete\|POST /seckit-it%3Fdelete' "$proxy_log")
if check cli_rm_recursive 0 s3 rm "$S/rmr" --recursive $EP; then
    after=$(grep -c 'POST /seckit-it?delete\|POST /seckit-it%3Fdelete' "$proxy_log")
    [ "$(grep -c "^delete: $S/rmr/" "$OUT")" -eq 3 ] && grep -qx "delete: $S/rmr/c d/é" "$OUT" &&
        [ $((after - before)) -eq 1 ] && pass cli_rm_recursive ||
        fail cli_rm_recursive "$((after - before)) DeleteObjects: $(tr '\n' '|' <"$OUT")"
fi
check cli_rm_recursive_gone 0 s3 ls "$S/rmr/" --recursive $EP && [ ! -s "$OUT" ] && pass cli_rm_recursive_gone
check cli_rm_recursive_kept 0 s3 cp "$S/rmr2/keep" - $EP && [ "$(cat "$OUT")" = keep ] &&
    pass cli_rm_recursive_kept
check cli_bad_bucket_name 2 s3 ls s3://Seckit_IT/ $EP && grep -q 'not a valid bucket name' "$ERR" &&
    pass cli_bad_bucket_name

# delete
if check cli_rm 0 s3 rm "$S/cli/copied.txt" $EP; then
    "$IT" head "$B" cli/copied.txt >"$TMP/head3.out" 2>&1
    [ $? -eq 6 ] && grep -q '404\|NotFound\|NoSuchKey' "$TMP/head3.out" && pass cli_rm || fail cli_rm "$(cat "$TMP/head3.out")"
fi

# Keys with "." and ".." segments reach the server as written (no path
# normalisation on the way), for put, get, ls and rm.
for DK in 'a/../b/./c' 'x/..'; do
    dk=$(printf "%s" "$DK" | tr "./" "D_")
    printf 'dots %s' "$DK" >"$TMP/dots.txt"
    if check "cli_dot_key_put_$dk" 0 s3 cp "$TMP/dots.txt" "$S/$DK" $EP --no-progress; then
        grep -qF "PUT /$B/$DK HTTP/1.0 200" "$proxy_log" && pass "cli_dot_key_put_$dk" ||
            fail "cli_dot_key_put_$dk" "proxy log: $(grep -F "PUT /$B/" "$proxy_log" | tail -n 1)"
    fi
    if check "cli_dot_key_get_$dk" 0 s3 cp "$S/$DK" - $EP; then
        [ "$(cat "$OUT")" = "dots $DK" ] && pass "cli_dot_key_get_$dk" ||
            fail "cli_dot_key_get_$dk" "got '$(cat "$OUT")'"
    fi
    if check "cli_dot_key_ls_$dk" 0 s3 ls "$S/" --recursive $EP; then
        grep -qF " $DK" "$OUT" && pass "cli_dot_key_ls_$dk" || fail "cli_dot_key_ls_$dk" "$(cat "$OUT")"
    fi
done
check cli_dot_key_normalised_absent 6 s3 cp "$S/b/c" - $EP && grep -q NoSuchKey "$ERR" &&
    pass cli_dot_key_normalised_absent
for DK in 'a/../b/./c' 'x/..'; do
    dk=$(printf "%s" "$DK" | tr "./" "D_")
    if check "cli_dot_key_rm_$dk" 0 s3 rm "$S/$DK" $EP; then
        grep -qF "DELETE /$B/$DK HTTP/1.0 204" "$proxy_log" &&
            ! grep -qE "DELETE /$B/? HTTP" "$proxy_log" && pass "cli_dot_key_rm_$dk" ||
            fail "cli_dot_key_rm_$dk" "proxy log: $(grep -F "DELETE /$B" "$proxy_log" | tail -n 2 | tr '\n' '|')"
    fi
done
if check cli_dot_key_bucket_kept 0 s3 ls "$S/" --recursive $EP; then
    ! grep -qF '..' "$OUT" && pass cli_dot_key_bucket_kept || fail cli_dot_key_bucket_kept "$(cat "$OUT")"
fi

# failures: exit 6 with S3's error code; nothing partial left behind
echo keep >"$TMP/dl/existing"
if check cli_missing_key 6 s3 cp "$S/cli/no-such-key" "$TMP/dl/existing" $EP; then
    one_line cli_missing_key && grep -q 'NoSuchKey' "$ERR" && [ "$(cat "$TMP/dl/existing")" = keep ] &&
        [ "$(ls -A "$TMP/dl" | wc -l)" -eq 2 ] && pass cli_missing_key ||
        fail cli_missing_key "$(cat "$ERR"; ls -A "$TMP/dl")"
fi
check cli_missing_bucket 6 s3 ls s3://no-such-bucket-seckit/ $EP && grep -q 'NoSuchBucket' "$ERR" &&
    pass cli_missing_bucket
if AWS_SECRET_ACCESS_KEY=wrong-secret seckit s3 ls "$S/" $EP >"$OUT" 2>"$ERR"; then
    fail cli_wrong_secret "accepted"
else
    st=$?
    [ $st -eq 6 ] && grep -qE 'SignatureDoesNotMatch|AccessDenied' "$ERR" && one_line cli_wrong_secret &&
        pass "cli_wrong_secret ($(grep -oE 'SignatureDoesNotMatch|AccessDenied' "$ERR" | head -1))" ||
        fail cli_wrong_secret "exit $st: $(cat "$ERR")"
fi
if AWS_SECRET_ACCESS_KEY=wrong-secret seckit s3 cp "$TMP/small.bin" "$S/cli/denied" $EP >"$OUT" 2>"$ERR"; then
    fail cli_wrong_secret_put "accepted"
else
    "$IT" head "$B" cli/denied >/dev/null 2>&1
    [ $? -eq 6 ] && pass cli_wrong_secret_put || fail cli_wrong_secret_put "object exists"
fi
closed=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
check cli_network_failure 5 s3 ls "$S/" --endpoint-url "http://127.0.0.1:$closed" && one_line cli_network_failure &&
    pass cli_network_failure
check cli_bad_url 2 s3 cp "$TMP/small.bin" s3:///key $EP && pass cli_bad_url
check cli_small_part_size 2 s3 cp "$TMP/small.bin" "$S/x" --part-size 1MiB $EP && pass cli_small_part_size

# ---- the server stops in the middle of a multipart upload.
# Standard input is a FIFO that the test feeds: exactly one 5 MiB part, then
# (once the proxy log shows part 1 stored) the server is stopped, then the
# last 1 MiB and end of input.  Part 2 cannot be sent, the upload cannot be
# aborted either (no server), so the command must exit 5 naming the upload
# id; after a restart there is no object and the upload can be aborted.
mkfifo "$TMP/fifo"
seckit s3 cp - "$S/cli/interrupted" --part-size 5MiB $EP <"$TMP/fifo" >"$TMP/int.out" 2>"$TMP/int.err" &
cp_pid=$!
exec 3>"$TMP/fifo"
head -c 5242880 "$TMP/big.bin" >&3
i=0
until grep -q 'PUT /seckit-it/cli/interrupted%3FpartNumber%3D1%26uploadId%3D[^ ]* HTTP/1.0 200 ' "$proxy_log"; do
    i=$((i + 1))
    [ $i -lt 600 ] || break
    sleep 0.1
done
[ $i -lt 600 ] && pass interrupted_part1_stored || fail interrupted_part1_stored "part 1 never reached the server"
stop_server
head -c 1048576 "$TMP/big.bin" >&3
exec 3>&-
wait $cp_pid
st=$?
if [ $st -eq 5 ] && grep -q 'also failed' "$TMP/int.err" && [ "$(wc -l <"$TMP/int.err")" -eq 1 ]; then
    pass interrupted_exit_5
else
    fail interrupted_exit_5 "exit $st: $(cat "$TMP/int.err")"
fi
upload_id=$(sed -n 's/.*aborting multipart upload \([^ ]*\) also failed.*/\1/p' "$TMP/int.err")
t1=$(date +%s)
if bash "$here/swift-up.sh" "$state" >"$TMP/up2.out" 2>"$TMP/up2.err"; then
    pass "swift_restart ($(cat "$TMP/up2.out"))"
    "$IT" head "$B" cli/interrupted >"$TMP/head4.out" 2>&1
    [ $? -eq 6 ] && pass interrupted_no_object || fail interrupted_no_object "$(cat "$TMP/head4.out")"
    if [ -n "$upload_id" ]; then
        "$IT" parts "$B" cli/interrupted "$upload_id" >"$TMP/parts.out" 2>&1
        grep -qx 'parts=1' "$TMP/parts.out" && pass interrupted_upload_left_as_reported ||
            fail interrupted_upload_left_as_reported "$(cat "$TMP/parts.out")"
        "$IT" abort "$B" cli/interrupted "$upload_id" >"$TMP/abort.out" 2>&1 &&
            "$IT" parts "$B" cli/interrupted "$upload_id" 2>&1 | grep -q NoSuchUpload &&
            pass interrupted_upload_aborted_later || fail interrupted_upload_aborted_later "$(cat "$TMP/abort.out")"
    else
        fail interrupted_upload_id_reported "no upload id in: $(cat "$TMP/int.err")"
    fi
else
    fail swift_restart "$(tail -n 20 "$TMP/up2.err" | tr '\n' ' ')"
fi

check cli_rb_not_empty 6 s3 rb "$S" $EP && grep -q 'BucketNotEmpty' "$ERR" && pass cli_rb_not_empty
if check cli_mb_rb_empty 0 s3 mb s3://seckit-it-empty $EP && check cli_mb_rb_empty 0 s3 rb s3://seckit-it-empty $EP; then
    check cli_mb_rb_empty 6 s3 ls s3://seckit-it-empty $EP && grep -q NoSuchBucket "$ERR" && pass cli_mb_rb_empty
fi
"$IT" purge "$B" >"$TMP/purge.out" 2>&1 && pass purge_bucket || fail purge_bucket "$(cat "$TMP/purge.out")"
echo "# S3 integration: $(( $(date +%s) - t0 )) s in all, restart $(( $(date +%s) - t1 )) s" >&2
finish

# seckit s3 as AWS CLI users expect it, against a real S3-compatible server
# (OpenStack Swift with s3api + tempauth, started on 127.0.0.1 by
# swift-up.sh and always stopped again): ls without a bucket, presigned GET
# and PUT URLs used with curl(1), --storage-class / --sse / --acl as Swift
# takes or refuses them, and errors that name the S3 operation.
. "$top_srcdir/tests/lib.sh"
here="$top_srcdir/tests/integration"
state="$TMP/swift"

stop_server() { bash "$here/swift-down.sh" "$state" >/dev/null 2>&1; }
trap 'stop_server; rm -rf "$TMP"' EXIT INT TERM

if ! command -v curl >/dev/null 2>&1; then
    skip s3_awscli_integration "no curl(1) to use the presigned URLs"
    finish
fi
start_swift s3_awscli_integration swift_up
B=seckit-awscli
S="s3://$B"
# curl: no proxy for loopback, body to a file, the status code printed
fetch() { curl -s --noproxy '*' -o "$TMP/curl.body" -w '%{http_code}' "$@"; }

check mb 0 s3 mb "$S" $EP && pass mb

# ---- ls without a bucket
if check ls_buckets 0 s3 ls $EP; then
    grep -qE "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} $B\$" "$OUT" && pass ls_buckets ||
        fail ls_buckets "$(cat "$OUT")"
fi
if check ls_buckets_summarize 0 s3 ls --summarize $EP; then
    grep -q " $B\$" "$OUT" && tail -n 2 "$OUT" | tr '\n' '|' | grep -qx 'Total Objects: 0|   Total Size: 0|' &&
        pass ls_buckets_summarize || fail ls_buckets_summarize "$(tr '\n' '|' <"$OUT")"
fi

# ---- presigned GET
head -c 100000 /dev/urandom >"$TMP/obj.bin"
KEY='pre/dir one/naïve café (1)+x.bin'
check put_obj 0 s3 cp "$TMP/obj.bin" "$S/$KEY" --no-progress $EP || fail put_obj "$(cat "$ERR")"
if check presign_get 0 s3 presign "$S/$KEY" $EP; then
    u=$(cat "$OUT")
    code=$(fetch "$u")
    [ "$code" = 200 ] && cmp -s "$TMP/obj.bin" "$TMP/curl.body" && pass presign_get ||
        fail presign_get "HTTP $code: $(head -c 300 "$TMP/curl.body")"
    # near misses: the same URL for another key, or with the signature changed
    other=$(printf '%s' "$u" | sed 's|/pre/dir%20one/|/pre/dir%20two/|')
    code=$(fetch "$other")
    [ "$code" = 403 ] && grep -q SignatureDoesNotMatch "$TMP/curl.body" && pass presign_get_other_key ||
        fail presign_get_other_key "HTTP $code"
    sig=${u##*X-Amz-Signature=}
    flipped=$(printf '%s' "$sig" | tr '0-9a-f' '1-9a-f0')
    code=$(fetch "${u%"$sig"}$flipped")
    [ "$code" = 403 ] && pass presign_get_bad_signature || fail presign_get_bad_signature "HTTP $code"
    code=$(fetch -X DELETE "$u")
    [ "$code" = 403 ] && pass presign_get_not_delete || fail presign_get_not_delete "HTTP $code"
fi
if check presign_get_expiring 0 s3 presign "$S/$KEY" --expires-in 1 $EP; then
    sleep 2
    code=$(fetch "$(cat "$OUT")")
    [ "$code" = 403 ] && pass presign_get_expired ||
        fail presign_get_expired "HTTP $code: $(head -c 200 "$TMP/curl.body")"
fi
if check presign_get_week 0 s3 presign "$S/$KEY" --expires-in 604800 $EP; then
    code=$(fetch "$(cat "$OUT")")
    [ "$code" = 200 ] && cmp -s "$TMP/obj.bin" "$TMP/curl.body" && pass presign_get_week ||
        fail presign_get_week "HTTP $code"
fi
check presign_too_long 2 s3 presign "$S/$KEY" --expires-in 604801 $EP && pass presign_too_long
if check presign_missing 0 s3 presign "$S/pre/none" $EP; then
    code=$(fetch "$(cat "$OUT")")
    [ "$code" = 404 ] && grep -q NoSuchKey "$TMP/curl.body" && pass presign_missing ||
        fail presign_missing "HTTP $code"
fi

# ---- presigned PUT
head -c 70000 /dev/urandom >"$TMP/up.bin"
if check presign_put 0 s3 presign "$S/pre/uploaded by curl.bin" --method PUT --expires-in 300 $EP; then
    p=$(cat "$OUT")
    code=$(fetch -T "$TMP/up.bin" "$p")
    if [ "$code" = 200 ] && check presign_put_back 0 s3 cp "$S/pre/uploaded by curl.bin" - $EP &&
        cmp -s "$TMP/up.bin" "$OUT"; then
        pass presign_put
    else
        fail presign_put "HTTP $code: $(head -c 300 "$TMP/curl.body")"
    fi
    # the PUT URL does not read the object
    code=$(fetch "$p")
    [ "$code" = 403 ] && pass presign_put_not_get || fail presign_put_not_get "HTTP $code"
fi
if check presign_get_not_put 0 s3 presign "$S/pre/other.bin" $EP; then
    code=$(fetch -T "$TMP/up.bin" "$(cat "$OUT")")
    [ "$code" = 403 ] && pass presign_get_not_put || fail presign_get_not_put "HTTP $code"
    check presign_get_not_put_absent 6 s3 cp "$S/pre/other.bin" - $EP && pass presign_get_not_put_absent
fi

# ---- storage class, SSE, ACL: Swift stores STANDARD and takes canned ACLs,
# refuses other classes and SSE: either way the header reached it
echo hello >"$TMP/h.txt"
check class_standard 0 s3 cp "$TMP/h.txt" "$S/w/std" --storage-class STANDARD $EP && pass class_standard
if check class_ia_refused 6 s3 cp "$TMP/h.txt" "$S/w/ia" --storage-class STANDARD_IA $EP; then
    one_line class_ia_refused && grep -q 's3 PutObject: .*(InvalidStorageClass' "$ERR" &&
        pass class_ia_refused || fail class_ia_refused "$(cat "$ERR")"
fi
head -c 6000000 /dev/urandom >"$TMP/big.bin"
if check class_multipart_refused 6 s3 cp "$TMP/big.bin" "$S/w/big" --part-size 5MiB \
    --storage-class GLACIER --no-progress $EP; then
    grep -q 's3 CreateMultipartUpload: .*(InvalidStorageClass' "$ERR" && pass class_multipart_refused ||
        fail class_multipart_refused "$(cat "$ERR")"
fi
if check class_multipart_standard 0 s3 cp "$TMP/big.bin" "$S/w/big" --part-size 5MiB \
    --storage-class STANDARD --acl private --no-progress $EP; then
    grep -q '2 parts' "$OUT" && pass class_multipart_standard || fail class_multipart_standard "$(cat "$OUT")"
fi
if check class_copy_refused 6 s3 cp "$S/w/std" "$S/w/copy" --storage-class DEEP_ARCHIVE $EP; then
    grep -q 's3 CopyObject: .*(InvalidStorageClass' "$ERR" && pass class_copy_refused ||
        fail class_copy_refused "$(cat "$ERR")"
fi
check class_copy_standard 0 s3 cp "$S/w/std" "$S/w/copy" --storage-class STANDARD --acl private $EP &&
    pass class_copy_standard
check acl_private 0 s3 cp "$TMP/h.txt" "$S/w/acl" --acl private $EP && pass acl_private
if check sse_refused 6 s3 cp "$TMP/h.txt" "$S/w/sse" --sse AES256 $EP; then
    grep -q 's3 PutObject: Server-side encryption is not supported.*(NotImplemented' "$ERR" &&
        pass sse_refused || fail sse_refused "$(cat "$ERR")"
fi
check class_unknown 2 s3 cp "$TMP/h.txt" "$S/w/x" --storage-class COLD $EP && one_line class_unknown &&
    pass class_unknown

# ---- listing with --human-readable and --summarize
if check ls_human_summary 0 s3 ls "$S/pre/" --human-readable --summarize $EP; then
    grep -q '  68.4 KiB uploaded by curl.bin$' "$OUT" &&
        tail -n 2 "$OUT" | tr '\n' '|' | grep -qx 'Total Objects: 1|   Total Size: 68.4 KiB|' &&
        pass ls_human_summary || fail ls_human_summary "$(tr '\n' '|' <"$OUT")"
fi

# ---- errors name the operation
if check op_get 6 s3 cp "$S/w/none" - $EP; then
    one_line op_get && grep -q 's3 GetObject: The specified key does not exist.*(NoSuchKey' "$ERR" &&
        pass op_get || fail op_get "$(cat "$ERR")"
fi
if check op_list 6 s3 ls s3://seckit-no-such-bucket/ $EP; then
    grep -q 's3 ListObjectsV2: .*(NoSuchBucket' "$ERR" && pass op_list || fail op_list "$(cat "$ERR")"
fi

seckit s3 rm "$S" --recursive $EP >/dev/null 2>&1
check rb 0 s3 rb "$S" $EP && pass rb
finish

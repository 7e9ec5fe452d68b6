# seckit s3 as AWS CLI users expect it, against the loopback mock AWS
# server's fuller S3 (tests/aws/mock_s3.c): ls without a bucket (ListBuckets,
# paged), --human-readable and --summarize, presign, --storage-class / --sse /
# --sse-kms-key-id / --acl on uploads, multipart uploads and copies, and
# errors that name the S3 operation.
. "$top_srcdir/tests/lib.sh"
start_s3_mock s3_awscli
S=s3://s3x-awscli
stat_num() { curl -s --noproxy '*' "$url/__s3x/stats" | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }
stat_str() { curl -s --noproxy '*' "$url/__s3x/stats" | sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }
requests() { curl -s --noproxy '*' "$url/__stats" | sed -n 's/.*"requests":\([0-9]*\).*/\1/p'; }

# ---- ls without a bucket: ListBuckets, following the continuation token
if check ls_buckets 0 s3 ls $EP; then
    printf '%s\n' '2024-01-15 08:30:00 s3x-list-a' '2024-02-15 08:30:01 s3x-list-b' \
        '2024-03-15 08:30:02 s3x-list-c' >"$TMP/want"
    cmp -s "$TMP/want" "$OUT" && [ "$(stat_num list_buckets)" = 2 ] && pass ls_buckets ||
        fail ls_buckets "$(tr '\n' '|' <"$OUT") in $(stat_num list_buckets) requests"
fi
if check ls_buckets_page_size 0 s3 ls --page-size 1 $EP; then
    [ "$(wc -l <"$OUT")" -eq 3 ] && [ "$(stat_num list_buckets)" = 5 ] && pass ls_buckets_page_size ||
        fail ls_buckets_page_size "$(stat_num list_buckets) ListBuckets requests in all"
fi
if check ls_buckets_summarize 0 s3 ls --summarize $EP; then
    tail -n 3 "$OUT" | tr '\n' '|' | grep -qx '|Total Objects: 0|   Total Size: 0|' &&
        pass ls_buckets_summarize || fail ls_buckets_summarize "$(tr '\n' '|' <"$OUT")"
fi
if check ls_buckets_recursive 2 s3 ls --recursive $EP; then
    one_line ls_buckets_recursive && grep -q 'needs an s3://' "$ERR" && pass ls_buckets_recursive
fi
check ls_two_urls 2 s3 ls s3://s3x-a s3://s3x-b $EP && one_line ls_two_urls && pass ls_two_urls

# ---- --human-readable and --summarize on an object listing
printf x >"$TMP/one"
printf 0123456789 >"$TMP/ten"
head -c 1024 /dev/zero >"$TMP/kib"
head -c 1572864 /dev/zero >"$TMP/mib"
for f in one ten kib mib; do
    seckit s3 cp "$TMP/$f" "$S/h/$f" --no-progress $EP >/dev/null 2>"$ERR" ||
        fail "put_$f" "$(cat "$ERR")"
done
if check ls_plain_sizes 0 s3 ls "$S/h/" $EP; then
    sed 's/^.\{19\} //' "$OUT" | tr '\n' '|' |
        grep -qx '      1024 kib|   1572864 mib|         1 one|        10 ten|' &&
        pass ls_plain_sizes || fail ls_plain_sizes "$(tr '\n' '|' <"$OUT")"
fi
if check ls_human 0 s3 ls "$S/h/" --human-readable $EP; then
    sed 's/^.\{19\} //' "$OUT" | tr '\n' '|' |
        grep -qx '   1.0 KiB kib|   1.5 MiB mib|    1 Byte one|  10 Bytes ten|' &&
        pass ls_human || fail ls_human "$(tr '\n' '|' <"$OUT")"
fi
if check ls_summarize 0 s3 ls "$S/h/" --summarize $EP; then
    tail -n 3 "$OUT" | tr '\n' '|' | grep -qx '|Total Objects: 4|   Total Size: 1573899|' &&
        pass ls_summarize || fail ls_summarize "$(tr '\n' '|' <"$OUT")"
fi
if check ls_summarize_human 0 s3 ls "$S/" --recursive --summarize --human-readable $EP; then
    tail -n 2 "$OUT" | tr '\n' '|' | grep -qx 'Total Objects: 4|   Total Size: 1.5 MiB|' &&
        pass ls_summarize_human || fail ls_summarize_human "$(tr '\n' '|' <"$OUT")"
fi
if check ls_summarize_empty 0 s3 ls "$S/nothing-here/" --summarize $EP; then
    tr '\n' '|' <"$OUT" | grep -qx '|Total Objects: 0|   Total Size: 0|' &&
        pass ls_summarize_empty || fail ls_summarize_empty "$(tr '\n' '|' <"$OUT")"
fi
if check ls_no_summary 0 s3 ls "$S/h/" $EP; then
    ! grep -q 'Total' "$OUT" && pass ls_no_summary || fail ls_no_summary "$(cat "$OUT")"
fi
check human_on_cp 2 s3 cp "$TMP/one" "$S/x" --human-readable $EP && one_line human_on_cp &&
    grep -q -- '--human-readable is an ls option' "$ERR" && pass human_on_cp
check summarize_on_rm 2 s3 rm "$S/x" --summarize $EP && grep -q -- '--summarize is an ls option' "$ERR" &&
    pass summarize_on_rm

# ---- presign: a query-signed URL, nothing sent
before=$(requests)
if check presign_get 0 s3 presign "$S/h/ten" $EP; then
    u=$(cat "$OUT")
    case "$u" in
    "$url/s3x-awscli/h/ten?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDMOCKEXAMPLE%2F"[0-9]*"%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date="*"&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature="*)
        pass presign_get ;;
    *) fail presign_get "$u" ;;
    esac
fi
[ "$(requests)" = "$((before + 1))" ] && pass presign_sends_nothing ||
    fail presign_sends_nothing "$(($(requests) - before - 1)) requests reached the server"
check presign_max 0 s3 presign "$S/h/ten" --expires-in 604800 $EP &&
    grep -q 'X-Amz-Expires=604800&' "$OUT" && pass presign_max
check presign_put 0 s3 presign "$S/in/new" --method PUT --expires-in 60 $EP &&
    grep -q 'X-Amz-Expires=60&' "$OUT" && pass presign_put
check presign_version 0 s3 presign "$S/h/ten" --version-id v7 $EP && grep -q '&versionId=v7' "$OUT" &&
    pass presign_version
if AWS_SESSION_TOKEN='FQoGZXIvYXdzEJr/tok+en=' check presign_session 0 s3 presign "$S/h/ten" $EP; then
    grep -q '&X-Amz-Security-Token=FQoGZXIvYXdzEJr%2Ftok%2Ben%3D&X-Amz-SignedHeaders=host&' "$OUT" &&
        ! grep -q 'mockSecret' "$OUT" && pass presign_session || fail presign_session "$(cat "$OUT")"
fi
check presign_no_token 0 s3 presign "$S/h/ten" $EP && ! grep -q 'X-Amz-Security-Token' "$OUT" &&
    pass presign_no_token
for bad in "presign_too_long:--expires-in 604801" "presign_zero:--expires-in 0" \
    "presign_not_number:--expires-in 1h" "presign_method:--method DELETE" \
    "presign_method_case:--method get" "presign_put_version:--method PUT --version-id v1"; do
    name=${bad%%:*}
    # shellcheck disable=SC2086
    check "$name" 2 s3 presign "$S/h/ten" ${bad#*:} $EP && one_line "$name" && pass "$name"
done
check presign_no_key 2 s3 presign "$S" $EP && one_line presign_no_key && pass presign_no_key
check presign_not_s3 2 s3 presign /tmp/x $EP && pass presign_not_s3
check presign_bad_bucket 2 s3 presign s3://Bad/x $EP && grep -q 'not a valid bucket name' "$ERR" &&
    pass presign_bad_bucket
check expires_on_cp 2 s3 cp "$TMP/one" "$S/x" --expires-in 60 $EP &&
    grep -q -- '--expires-in and --method are presign options' "$ERR" && pass expires_on_cp

# ---- --storage-class, --sse, --sse-kms-key-id, --acl
if check write_put 0 s3 cp "$TMP/ten" "$S/w/put" --storage-class STANDARD_IA --sse aws:kms \
    --sse-kms-key-id alias/data --acl bucket-owner-full-control $EP; then
    w=$(stat_str put_write)
    [ "$w" = 'STANDARD_IA|aws:kms|alias/data|bucket-owner-full-control' ] && pass write_put ||
        fail write_put "the mock saw '$w'"
fi
if check write_put_none 0 s3 cp "$TMP/ten" "$S/w/plain" $EP; then
    w=$(stat_str put_write)
    [ "$w" = '|||' ] && pass write_put_none || fail write_put_none "the mock saw '$w'"
fi
head -c 6000000 /dev/urandom >"$TMP/big"
if check write_multipart 0 s3 cp "$TMP/big" "$S/w/big" --part-size 5MiB --sse AES256 \
    --storage-class GLACIER_IR --acl private --no-progress $EP; then
    w=$(stat_str create_write)
    grep -q '2 parts' "$OUT" && [ "$w" = 'GLACIER_IR|AES256||private' ] && pass write_multipart ||
        fail write_multipart "the mock saw '$w'; $(cat "$OUT")"
fi
if check write_stdin 0 s3 cp - "$S/w/stdin" --storage-class ONEZONE_IA $EP <"$TMP/ten"; then
    w=$(stat_str put_write)
    [ "$w" = 'ONEZONE_IA|||' ] && pass write_stdin || fail write_stdin "the mock saw '$w'"
fi
if check write_copy 0 s3 cp "$S/w/put" "$S/w/copy" --storage-class DEEP_ARCHIVE --sse aws:kms:dsse \
    --acl public-read $EP; then
    w=$(stat_str copy_write)
    [ "$w" = 'DEEP_ARCHIVE|aws:kms:dsse||public-read' ] && pass write_copy ||
        fail write_copy "the mock saw '$w'"
fi
# REPLACE resends the source's system headers, but a storage class asked for wins
if check write_copy_replace 0 s3 cp "$S/w/put" "$S/w/copy2" --metadata-directive REPLACE \
    --metadata a=b --storage-class INTELLIGENT_TIERING $EP; then
    w=$(stat_str copy_write)
    [ "$w" = 'INTELLIGENT_TIERING|||' ] && pass write_copy_replace ||
        fail write_copy_replace "the mock saw '$w'"
fi
if check write_copy_keeps_class 0 s3 cp "$S/w/put" "$S/w/copy3" --metadata-directive REPLACE $EP; then
    w=$(stat_str copy_write)
    [ "$w" = 'STANDARD_IA|||' ] && pass write_copy_keeps_class ||
        fail write_copy_keeps_class "the mock saw '$w'"
fi
# many files: cp --recursive, sync and server-side copies between prefixes carry them too
mkdir -p "$TMP/tree" && printf one >"$TMP/tree/one.txt"
if check write_recursive 0 s3 cp "$TMP/tree" "$S/w/tree" --recursive --storage-class STANDARD_IA \
    --acl private $EP; then
    w=$(stat_str put_write)
    [ "$w" = 'STANDARD_IA|||private' ] && pass write_recursive || fail write_recursive "the mock saw '$w'"
fi
if check write_recursive_copy 0 s3 cp "$S/w/tree" "$S/w/tree2" --recursive --sse AES256 $EP; then
    w=$(stat_str copy_write)
    [ "$w" = '|AES256||' ] && pass write_recursive_copy || fail write_recursive_copy "the mock saw '$w'"
fi
printf two >"$TMP/tree/two.txt"
if check write_sync 0 s3 sync "$TMP/tree" "$S/w/tree" --storage-class GLACIER_IR $EP; then
    w=$(stat_str put_write)
    [ "$w" = 'GLACIER_IR|||' ] && pass write_sync || fail write_sync "the mock saw '$w'"
fi
check write_sync_bad 2 s3 sync "$TMP/tree" "$S/w/tree" --acl nosuch-acl $EP && pass write_sync_bad
# with client-side encryption: the encrypted object and its instruction file
head -c 32 /dev/urandom >"$TMP/aes.key"
chmod 600 "$TMP/aes.key"
if check write_encrypted 0 s3 cp "$TMP/ten" "$S/w/enc" --raw-aes-key "file=$TMP/aes.key" \
    --storage-class STANDARD_IA --sse AES256 $EP; then
    w=$(stat_str put_write)
    [ "$w" = 'STANDARD_IA|AES256||' ] && pass write_encrypted || fail write_encrypted "the mock saw '$w'"
fi
if check write_encrypted_instruction 0 s3 cp "$TMP/ten" "$S/w/enc2" --raw-aes-key "file=$TMP/aes.key" \
    --instruction-file --acl bucket-owner-read $EP; then
    w=$(stat_str put_write)
    [ "$w" = '|||bucket-owner-read' ] && check write_encrypted_back 0 s3 cp "$S/w/enc2" - \
        --raw-aes-key "file=$TMP/aes.key" $EP && [ "$(cat "$OUT")" = 0123456789 ] &&
        pass write_encrypted_instruction || fail write_encrypted_instruction "the mock saw '$w'"
fi
if check write_encrypted_multipart 0 s3 cp "$TMP/big" "$S/w/encbig" --raw-aes-key "file=$TMP/aes.key" \
    --part-size 5MiB --storage-class REDUCED_REDUNDANCY --no-progress $EP; then
    w=$(stat_str create_write)
    [ "$w" = 'REDUCED_REDUNDANCY|||' ] && pass write_encrypted_multipart ||
        fail write_encrypted_multipart "the mock saw '$w'"
fi
before=$(requests)
bad_write() {
    name=$1 want=$2
    shift 2
    if check "$name" 2 s3 cp "$@" $EP; then
        one_line "$name" && grep -q -- "$want" "$ERR" && pass "$name" || fail "$name" "$(cat "$ERR")"
    fi
}
bad_write bad_storage_class "'standard_ia' is not a storage class (one of STANDARD, " \
    "$TMP/ten" "$S/w/x" --storage-class standard_ia
bad_write bad_storage_class_copy "'GLACIER_DEEP' is not a storage class" \
    "$S/w/put" "$S/w/x" --storage-class GLACIER_DEEP
bad_write bad_sse "'AES128' is not a server-side encryption (one of AES256, aws:kms" \
    "$TMP/ten" "$S/w/x" --sse AES128
bad_write bad_acl "'public' is not a canned ACL" "$TMP/ten" "$S/w/x" --acl public
bad_write kms_without_sse "needs aws:kms" "$TMP/ten" "$S/w/x" --sse-kms-key-id alias/k
bad_write kms_with_aes "needs aws:kms" "$TMP/ten" "$S/w/x" --sse AES256 --sse-kms-key-id alias/k
bad_write write_on_download "are for uploads and copies" "$S/w/put" "$TMP/dl" --storage-class STANDARD
bad_write write_encrypted_bad "'cold' is not a storage class" "$TMP/ten" "$S/w/x" \
    --raw-aes-key "file=$TMP/aes.key" --storage-class cold
check write_on_ls 2 s3 ls "$S" --acl private $EP && grep -q 'that option is for cp' "$ERR" &&
    pass write_on_ls
after=$(requests)
[ $((after - before)) -eq 1 ] && pass bad_write_nothing_sent ||
    fail bad_write_nothing_sent "$((after - before - 1)) requests reached the server"

# ---- errors name the S3 operation, as IAM and the AWS CLI do
if check op_get 6 s3 cp "$S/no/such/key" - $EP; then
    one_line op_get &&
        grep -q '^seckit: s3: s3://s3x-awscli/no/such/key: s3 GetObject: The specified key does not exist\. (HTTP 404) (NoSuchKey' "$ERR" &&
        pass op_get || fail op_get "$(cat "$ERR")"
fi
if check op_put 6 s3 cp "$TMP/ten" "$S/w/put" --no-overwrite $EP; then
    grep -q 's3 PutObject: .*(PreconditionFailed' "$ERR" && ! grep -q 's3 PUT' "$ERR" && pass op_put ||
        fail op_put "$(cat "$ERR")"
fi
if check op_complete 6 s3 cp "$TMP/big" "$S/w/big" --part-size 5MiB --no-overwrite --no-progress $EP; then
    grep -q 's3 CompleteMultipartUpload: .*(PreconditionFailed' "$ERR" && pass op_complete ||
        fail op_complete "$(cat "$ERR")"
fi
# a wrong secret: the service's SignatureDoesNotMatch, named by operation
if AWS_SECRET_ACCESS_KEY=wrong check op_list 6 s3 ls "$S/" $EP; then
    one_line op_list && grep -q 's3 ListObjectsV2: .*(SignatureDoesNotMatch' "$ERR" && pass op_list ||
        fail op_list "$(cat "$ERR")"
fi
if AWS_SECRET_ACCESS_KEY=wrong check op_list_buckets 6 s3 ls $EP; then
    one_line op_list_buckets && grep -q 's3 ListBuckets: .*(SignatureDoesNotMatch' "$ERR" &&
        pass op_list_buckets || fail op_list_buckets "$(cat "$ERR")"
fi
if AWS_SECRET_ACCESS_KEY=wrong check op_mb 6 s3 mb s3://s3x-new $EP; then
    grep -q 's3 CreateBucket: ' "$ERR" && pass op_mb || fail op_mb "$(cat "$ERR")"
fi
finish

# seckit s3 encrypt|decrypt with a KMS key (--kms-key-id, kms+context wrap)
# against the loopback mock AWS server (tests/aws/mock_aws): the encryption
# context stored and checked, V3 and V2, KMS errors.
. "$top_srcdir/tests/lib.sh"
cd "$TMP" || exit 1
start_mock s3cse_kms s3cse_kms_mock_started MOCK_LOG=1
for v in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE AWS_REGION \
    AWS_DEFAULT_REGION AWS_ENDPOINT_URL AWS_ENDPOINT_URL_KMS AWS_CONTAINER_CREDENTIALS_RELATIVE_URI \
    AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_DEFAULT_PROFILE; do
    unset $v
done
export HOME="$TMP" AWS_EC2_METADATA_DISABLED=true AWS_MAX_ATTEMPTS=1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_ACCESS_KEY_ID=AKIDMOCKEXAMPLE AWS_SECRET_ACCESS_KEY='mockSecret/K7MDENG+bPxRfiCYEXAMPLEKEY'
AWS="--endpoint-url http://127.0.0.1:$port --region us-east-1"
KMS="--kms-key-id alias/s3cse-test"
head -c 70000 /dev/urandom >pt

# V3: x-amz-w 12, the context (with aws:x-amz-cek-alg) in x-amz-t
# shellcheck disable=SC2086
if check kms_v3_encrypt 0 s3 encrypt $KMS --encryption-context dept=finance $AWS --in pt --out v3.body \
    --metadata-out v3.json; then
    if grep -q '"x-amz-w":[[:space:]]*"12"' v3.json && grep -q 'aws:x-amz-cek-alg' v3.json &&
        grep -q 'dept' v3.json && grep -q 'REQ kms POST TrentService.GenerateDataKey' "$TMP/log"; then
        pass kms_v3_encrypt
    else
        fail kms_v3_encrypt "$(tr '\n' ' ' <v3.json)"
    fi
fi
# shellcheck disable=SC2086
check kms_v3_roundtrip 0 s3 decrypt $KMS --encryption-context dept=finance $AWS --in v3.body \
    --metadata v3.json --out v3.out && { cmp -s pt v3.out && pass kms_v3_roundtrip || fail kms_v3_roundtrip "differs"; }
# a different or missing context is refused, nothing written
# shellcheck disable=SC2086
check kms_context_mismatch 4 s3 decrypt $KMS --encryption-context dept=sales $AWS --in v3.body \
    --metadata v3.json --out bad.out && [ ! -e bad.out ] && pass kms_context_mismatch
# shellcheck disable=SC2086
check kms_context_missing 4 s3 decrypt $KMS $AWS --in v3.body --metadata v3.json --out bad.out &&
    [ ! -e bad.out ] && pass kms_context_missing
# V2 kms+context
# shellcheck disable=SC2086
if check kms_v2 0 s3 encrypt $KMS --commitment-policy forbid-encrypt-allow-decrypt $AWS --in pt \
    --out v2.body --metadata-out v2.json; then
    grep -q '"x-amz-wrap-alg":[[:space:]]*"kms+context"' v2.json &&
        check kms_v2 0 s3 decrypt $KMS --commitment-policy forbid-encrypt-allow-decrypt $AWS --in v2.body \
            --metadata v2.json --out v2.out && cmp -s pt v2.out && pass kms_v2 || fail kms_v2 "$(tr '\n' ' ' <v2.json)"
fi
# head of a kms+context object: the key id is not in the envelope, and head says so
export AWS_ENDPOINT_URL_KMS="http://127.0.0.1:$port" # cp's --endpoint-url is S3's
# shellcheck disable=SC2086
if check kms_head_upload 0 s3 cp pt s3://s3x-cse/kh.bin $KMS --encryption-context dept=finance --no-progress $AWS; then
    # shellcheck disable=SC2086
    check kms_head_text 0 s3 head s3://s3x-cse/kh.bin $AWS &&
        { grep -q '^KMS key id: *not stored in the envelope' "$OUT" && grep -q 'kms+context' "$OUT" &&
            pass kms_head_text || fail kms_head_text "$(tr '\n' '|' <"$OUT")"; }
    # shellcheck disable=SC2086
    check kms_head_json 0 s3 head s3://s3x-cse/kh.bin --format json $AWS &&
        { grep -q '"kms_key_id":[[:space:]]*null' "$OUT" && grep -q '"kms_key_id_note":.*not stored' "$OUT" &&
            pass kms_head_json || fail kms_head_json "$(tr '\n' ' ' <"$OUT")"; }
fi
unset AWS_ENDPOINT_URL_KMS
# KMS answers with an error: exit 6, nothing written
# shellcheck disable=SC2086
check kms_service_error 6 s3 encrypt --kms-key-id alias/missing $AWS --in pt --out m.body --metadata-out m.json &&
    one_line kms_service_error && { [ ! -e m.body ] && [ ! -e m.json ] && pass kms_service_error ||
    fail kms_service_error "output written"; }
stop_mock
finish

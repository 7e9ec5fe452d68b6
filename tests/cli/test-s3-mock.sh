# seckit s3 against the loopback mock AWS server's fuller S3
# (tests/aws/mock_s3.c, versioned buckets "s3x-..."): bucket names checked
# before any request, --no-overwrite, --version-id (download, copy, rm),
# --copy-source-if-match, every command through a region redirect,
# rm --recursive with DeleteObjects batches and per-key errors.
. "$top_srcdir/tests/lib.sh"
start_s3_mock s3_mock
S=s3://s3x-cli
stat_of() { curl -s --noproxy '*' "$url/__s3x/stats" | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }
requests() { curl -s --noproxy '*' "$url/__stats" | sed -n 's/.*"requests":\([0-9]*\).*/\1/p'; }


# ---- bucket names: exit 2 naming the rule, and nothing sent
echo data >"$TMP/f"
before=$(requests)
bad_name() {
    name=$1 bucket=$2 rule=$3
    shift 3
    if check "$name" 2 s3 "$@" $EP; then
        one_line "$name" && grep -q "'$bucket' is not a valid bucket name: .*$rule" "$ERR" &&
            pass "$name" || fail "$name" "$(cat "$ERR")"
    fi
}
bad_name bucket_upper Bad-Bucket 'lower-case' ls s3://Bad-Bucket/
bad_name bucket_short ab '3 to 63' cp "$TMP/f" s3://ab/x
bad_name bucket_ip 192.168.1.1 'IP address' rm s3://192.168.1.1/x
bad_name bucket_dots a..b 'adjacent periods' cp s3://a..b/x "$TMP/g"
bad_name bucket_dash -abc 'start and end' mb s3://-abc
bad_name bucket_suffix my-bucket-s3alias 'suffix' cp s3://s3x-ok/x s3://my-bucket-s3alias/y
bad_name bucket_prefix xn--abc 'prefix' rm s3://xn--abc --recursive
after=$(requests)
[ $((after - before)) -eq 1 ] && pass bucket_names_nothing_sent ||
    fail bucket_names_nothing_sent "$((after - before - 1)) requests reached the server"

# ---- --no-overwrite (If-None-Match: *)
if check no_overwrite_new 0 s3 cp "$TMP/f" "$S/once" --no-overwrite $EP; then
    grep -q '^upload: .* to s3://s3x-cli/once (5 bytes, version v[0-9]*)$' "$OUT" &&
        pass no_overwrite_new || fail no_overwrite_new "$(cat "$OUT")"
fi
echo other >"$TMP/f2"
if check no_overwrite_exists 6 s3 cp "$TMP/f2" "$S/once" --no-overwrite $EP; then
    one_line no_overwrite_exists && grep -q PreconditionFailed "$ERR" && pass no_overwrite_exists
fi
check no_overwrite_kept 0 s3 cp "$S/once" - $EP && [ "$(cat "$OUT")" = data ] && pass no_overwrite_kept
head -c 3000000 /dev/urandom >"$TMP/big"
if check no_overwrite_multipart 6 s3 cp "$TMP/big" "$S/once" --no-overwrite --part-size 5MiB $EP; then
    # 3 MB is one part: a PutObject; the multipart case is in test_s3_mock
    pass no_overwrite_multipart
fi
check no_overwrite_download 2 s3 cp "$S/once" "$TMP/x" --no-overwrite $EP && pass no_overwrite_download

# ---- --version-id
printf 'version one' | seckit s3 cp - "$S/doc" $EP >"$OUT" 2>"$ERR"
v1=$(sed -n 's/.*version \(v[0-9]*\))$/\1/p' "$OUT")
printf 'version two' | seckit s3 cp - "$S/doc" $EP >/dev/null 2>&1
if [ -n "$v1" ] && check version_download 0 s3 cp "$S/doc" - --version-id "$v1" $EP; then
    [ "$(cat "$OUT")" = 'version one' ] && pass version_download || fail version_download "$(cat "$OUT")"
fi
check version_latest 0 s3 cp "$S/doc" - $EP && [ "$(cat "$OUT")" = 'version two' ] && pass version_latest
if check version_copy 0 s3 cp "$S/doc" "$S/doc-v1" --version-id "$v1" $EP; then
    grep -q "^copy: $S/doc to $S/doc-v1 (version v[0-9]*)$" "$OUT" || fail version_copy "$(cat "$OUT")"
    seckit s3 cp "$S/doc-v1" - $EP >"$TMP/v1" 2>&1
    [ "$(cat "$TMP/v1")" = 'version one' ] && pass version_copy || fail version_copy "$(cat "$TMP/v1")"
fi
check version_missing 6 s3 cp "$S/doc" - --version-id v999999 $EP && grep -q NoSuchVersion "$ERR" &&
    pass version_missing
check version_upload_refused 2 s3 cp "$TMP/f" "$S/doc" --version-id "$v1" $EP && pass version_upload_refused
if check version_rm 0 s3 rm "$S/doc" --version-id "$v1" $EP; then
    grep -qx "delete: $S/doc (version $v1)" "$OUT" &&
        check version_rm 6 s3 cp "$S/doc" - --version-id "$v1" $EP &&
        check version_rm 0 s3 cp "$S/doc" - $EP && pass version_rm
fi

# ---- --copy-source-if-match (x-amz-copy-source-if-match)
printf 'pinned' | seckit s3 cp - "$S/pin" $EP >/dev/null 2>&1
etag=$(curl -s --noproxy '*' "$url/__s3x/stats" | sed -n "s/.*\"last_etag\":\"\([^\"]*\)\".*/\1/p" | tr "'" '"')
if [ -n "$etag" ] && check copy_if_match 0 s3 cp "$S/pin" "$S/pin-copy" --copy-source-if-match "$etag" $EP; then
    seckit s3 cp "$S/pin-copy" - $EP >"$TMP/pc" 2>&1
    q=$(curl -s --noproxy '*' "$url/__s3x/stats" | sed -n "s/.*\"last_copy_if_match\":\"\([^\"]*\)\".*/\1/p" | tr "'" '"')
    [ "$(cat "$TMP/pc")" = pinned ] && [ "$q" = "$etag" ] && pass copy_if_match ||
        fail copy_if_match "copied '$(cat "$TMP/pc")', header '$q', etag '$etag'"
fi
if check copy_if_match_stale 6 s3 cp "$S/pin" "$S/pin-stale" --copy-source-if-match '"stale"' $EP; then
    one_line copy_if_match_stale && grep -q PreconditionFailed "$ERR" &&
        check copy_if_match_stale 6 s3 cp "$S/pin-stale" - $EP && grep -q NoSuchKey "$ERR" &&
        pass copy_if_match_stale
fi
check copy_if_match_upload 2 s3 cp "$TMP/f" "$S/x" --copy-source-if-match '"e"' $EP &&
    grep -q 's3:// to s3:// copies' "$ERR" && pass copy_if_match_upload
check copy_if_match_empty 2 s3 cp "$S/pin" "$S/y" --copy-source-if-match '' $EP && pass copy_if_match_empty
check copy_if_match_rm 2 s3 rm "$S/pin" --copy-source-if-match '"e"' $EP && pass copy_if_match_rm
check copy_if_match_ctl 2 s3 cp "$S/pin" "$S/y" --copy-source-if-match "$(printf 'a\nX-Injected: 1')" $EP &&
    one_line copy_if_match_ctl && pass copy_if_match_ctl

# ---- rm --recursive: 1005 keys under many/ (two DeleteObjects), one refused
curl -s --noproxy '*' -X POST "$url/__s3x/fill?bucket=s3x-cli&prefix=many/&count=1005" >/dev/null
printf 'keep' | seckit s3 cp - "$S/many2/keep" $EP >/dev/null 2>&1
printf 'x' | seckit s3 cp - "$S/many/deny-me" $EP >/dev/null 2>&1
dr=$(stat_of delete_requests)
if check rm_recursive 6 s3 rm "$S/many" --recursive $EP; then
    n=$(grep -c "^delete: $S/many/" "$OUT")
    if [ "$n" -eq 1005 ] && [ $(($(stat_of delete_requests) - dr)) -eq 2 ] &&
        grep -q "delete failed: $S/many/deny-me: Access Denied (AccessDenied)" "$ERR" &&
        grep -q "1 object could not be deleted (1005 deleted)" "$ERR"; then
        pass rm_recursive
    else
        fail rm_recursive "$n deleted lines, $(($(stat_of delete_requests) - dr)) requests: $(head -c 300 "$ERR")"
    fi
fi
check rm_recursive_prefix_only 0 s3 cp "$S/many2/keep" - $EP && [ "$(cat "$OUT")" = keep ] &&
    pass rm_recursive_prefix_only
check rm_recursive_left 0 s3 ls "$S/many/" $EP && [ "$(wc -l <"$OUT")" -eq 1 ] && grep -q 'deny-me$' "$OUT" &&
    pass rm_recursive_left
# The global --debug (before the command) traces s3 requests as the s3
# option does; without it the same listing traces nothing.
check s3_global_debug 0 --debug s3 ls "$S/many/" $EP && [ "$(wc -l <"$OUT")" -eq 1 ] &&
    grep -q '^seckit: debug: request (attempt 1): GET ' "$ERR" &&
    grep -q '^seckit: debug: response (attempt 1): HTTP 200$' "$ERR" && pass s3_global_debug ||
    fail s3_global_debug "$(tr '\n' '|' <"$ERR" | head -c 600)"
check s3_no_debug 0 s3 ls "$S/many/" $EP && [ ! -s "$ERR" ] && pass s3_no_debug ||
    fail s3_no_debug "$(tr '\n' '|' <"$ERR" | head -c 600)"
check rm_recursive_empty 0 s3 rm "$S/nothing-here/" --recursive $EP && [ ! -s "$OUT" ] && pass rm_recursive_empty
check rm_needs_key 2 s3 rm "$S" $EP && grep -q -- '--recursive' "$ERR" && pass rm_needs_key
check rm_recursive_version 2 s3 rm "$S/many" --recursive --version-id v1 $EP && pass rm_recursive_version
check rm_one_key 0 s3 rm "$S/many2/keep" $EP && grep -qx "delete: $S/many2/keep" "$OUT" &&
    check rm_one_key 6 s3 cp "$S/many2/keep" - $EP && pass rm_one_key
check recursive_not_for_cp 2 s3 cp "$TMP/f" "$S/x" --recursive $EP && pass recursive_not_for_cp
# ---- every S3 command through a region redirect: each run is a new process
# (nothing remembered), its first request is signed for us-east-1 and
# redirected to the bucket's region once, then re-signed; nothing fails.
redirects() { curl -s --noproxy '*' "$url/__stats" | sed -n 's/.*"redirects":\([0-9]*\).*/\1/p'; }
head -c 32 /dev/urandom >"$TMP/aes1"
head -c 32 /dev/urandom >"$TMP/aes2"
chmod 600 "$TMP/aes1" "$TMP/aes2"
head -c 6000000 /dev/urandom >"$TMP/big6"
redirected() {
    rname=$1 rexp=$2
    shift 2
    rb=$(redirects)
    if check "$rname" "$rexp" "$@" $EP; then
        ra=$(redirects)
        [ $((ra - rb)) -eq 1 ] && pass "$rname" || fail "$rname" "$((ra - rb)) redirects, expected 1"
    fi
}
for kind in 301 400 hdr; do
    R=s3://s3x-rgn-eu-west-1-$kind
    redirected "redirect_put[$kind]" 0 s3 cp "$TMP/f" "$R/d/plain"
    redirected "redirect_multipart[$kind]" 0 s3 cp "$TMP/big6" "$R/d/big" --part-size 5MiB
    redirected "redirect_ls[$kind]" 0 s3 ls "$R/d/"
    redirected "redirect_get[$kind]" 0 s3 cp "$R/d/plain" "$TMP/back-$kind"
    cmp -s "$TMP/f" "$TMP/back-$kind" || fail "redirect_get_bytes[$kind]" "downloaded bytes differ"
    redirected "redirect_copy[$kind]" 0 s3 cp "$R/d/plain" "$R/d/copy"
    redirected "redirect_enc_put[$kind]" 0 s3 cp "$TMP/f" "$R/d/enc" --raw-aes-key "file=$TMP/aes1"
    redirected "redirect_enc_put_instr[$kind]" 0 s3 cp "$TMP/f" "$R/d/enci" --raw-aes-key "file=$TMP/aes1" --instruction-file
    redirected "redirect_head[$kind]" 0 s3 head "$R/d/enci"
    redirected "redirect_rewrap[$kind]" 0 s3 rewrap "$R/d/enc" --raw-aes-key "file=$TMP/aes1" --to-raw-aes-key "file=$TMP/aes2"
    redirected "redirect_rewrap_instr[$kind]" 0 s3 rewrap "$R/d/enci" --raw-aes-key "file=$TMP/aes1" --to-raw-aes-key "file=$TMP/aes2"
    redirected "redirect_enc_get[$kind]" 0 s3 cp "$R/d/enc" "$TMP/enc-$kind" --raw-aes-key "file=$TMP/aes2"
    cmp -s "$TMP/f" "$TMP/enc-$kind" || fail "redirect_enc_get_bytes[$kind]" "decrypted bytes differ"
    redirected "redirect_rm[$kind]" 0 s3 rm "$R/d/copy"
    redirected "redirect_rm_recursive[$kind]" 0 s3 rm "$R/d" --recursive
    check "redirect_emptied[$kind]" 0 s3 ls "$R/d/" $EP && [ ! -s "$OUT" ] && pass "redirect_emptied[$kind]"
done
# ---- control characters in every option that becomes a header: exit 2,
# one line, nothing written (checked before the request that carries it)
NL=$(printf 'a\nX-Injected: 1')
ctl() {
    cname=$1 dest=$2
    shift 2
    if check "$cname" 2 "$@" $EP; then
        one_line "$cname" && grep -q 'control character' "$ERR" &&
            { [ -z "$dest" ] || check "$cname" 6 s3 cp "$dest" - $EP; } && pass "$cname"
    fi
}
ctl ctl_put_content_type "$S/ctl/a" s3 cp "$TMP/f" "$S/ctl/a" --content-type "$NL"
ctl ctl_multipart_content_type "$S/ctl/b" s3 cp "$TMP/big6" "$S/ctl/b" --part-size 5MiB --content-type "$NL"
ctl ctl_put_metadata "$S/ctl/c" s3 cp "$TMP/f" "$S/ctl/c" --metadata "k=$NL"
printf 'src' | seckit s3 cp - "$S/ctl/src" $EP >/dev/null 2>&1
ctl ctl_copy_content_type "$S/ctl/d" s3 cp "$S/ctl/src" "$S/ctl/d" --metadata-directive REPLACE --content-type "$NL"
ctl ctl_copy_metadata "$S/ctl/e" s3 cp "$S/ctl/src" "$S/ctl/e" --metadata-directive REPLACE --metadata "k=$NL"
# (a range is parsed first: refused as a bad range)
check ctl_get_range 2 s3 cp "$S/ctl/src" "$TMP/r" --range "bytes=0-1$NL" $EP && one_line ctl_get_range &&
    grep -q "range .bytes=0-1a X-Injected: 1. is not" "$ERR" && pass ctl_get_range
[ -e "$TMP/r" ] && fail ctl_get_range_file "a file was written"
ctl ctl_enc_put_content_type "$S/ctl/f" s3 cp "$TMP/f" "$S/ctl/f" --raw-aes-key "file=$TMP/aes1" --content-type "$NL"
seckit s3 cp "$TMP/f" "$S/ctl/enc" --raw-aes-key "file=$TMP/aes1" $EP >/dev/null 2>&1
ctl ctl_rewrap_if_match "" s3 rewrap "$S/ctl/enc" --raw-aes-key "file=$TMP/aes1" --to-raw-aes-key "file=$TMP/aes2" --if-match "$NL"
check ctl_rewrap_unchanged 0 s3 cp "$S/ctl/enc" - --raw-aes-key "file=$TMP/aes1" $EP && pass ctl_rewrap_unchanged
# ---- --version-id on the encrypted paths (download, head)
printf 'enc one' >"$TMP/e1"
printf 'enc two' >"$TMP/e2"
seckit s3 cp "$TMP/e1" "$S/encv" --raw-aes-key "file=$TMP/aes1" $EP >"$OUT" 2>"$ERR"
ev1=$(sed -n 's/.*version \(v[0-9]*\))$/\1/p' "$OUT")
[ -n "$ev1" ] && pass enc_version_upload || fail enc_version_upload "no version in: $(cat "$OUT")"
seckit s3 cp "$TMP/e2" "$S/encv" --raw-aes-key "file=$TMP/aes1" $EP >/dev/null 2>&1
vq() { curl -s --noproxy '*' "$url/__s3x/stats" | sed -n 's/.*"last_version_query":"\([^"]*\)".*/\1/p'; }
if [ -n "$ev1" ] && check enc_version_get 0 s3 cp "$S/encv" - --version-id "$ev1" --raw-aes-key "file=$TMP/aes1" $EP; then
    [ "$(cat "$OUT")" = 'enc one' ] && [ "$(vq)" = "$ev1" ] && pass enc_version_get ||
        fail enc_version_get "got '$(cat "$OUT")', versionId '$(vq)'"
fi
check enc_version_latest 0 s3 cp "$S/encv" - --raw-aes-key "file=$TMP/aes1" $EP &&
    [ "$(cat "$OUT")" = 'enc two' ] && pass enc_version_latest
if [ -n "$ev1" ] && check enc_version_head 0 s3 head "$S/encv" --version-id "$ev1" $EP; then
    [ "$(vq)" = "$ev1" ] && pass enc_version_head || fail enc_version_head "versionId '$(vq)'"
fi
check enc_version_missing 6 s3 head "$S/encv" --version-id v999999 $EP && pass enc_version_missing
finish

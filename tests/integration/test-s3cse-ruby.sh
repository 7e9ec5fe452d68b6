# Interop with the AWS S3 Encryption Client for Ruby (Debian ruby-aws-sdk-s3:
# Aws::S3::EncryptionV2::Client, and the V1 Aws::S3::Encryption::Client for
# legacy objects) on a local OpenStack Swift s3api server (swift-up.sh):
#   - objects Ruby writes (AES/GCM and RSA-OAEP-SHA1 wrapped keys, envelope in
#     the metadata or in an instruction file) decrypt with seckit;
#   - V2 objects seckit writes decrypt with Ruby;
#   - V1 objects Ruby's V1 client writes decrypt with seckit only under
#     --security-profile v2-and-legacy.
# seckit's side fetches and stores with `seckit s3 cp` and runs `seckit s3
# decrypt|encrypt` offline; when `seckit s3 cp` takes the key options itself
# (online encryption), that path is checked too.  Skips (with the reason)
# without ruby, the gem or Swift.
. "$top_srcdir/tests/lib.sh"
here="$top_srcdir/tests/integration"
RB="$top_srcdir/tests/interop/s3cse/s3cse-ruby.rb"
state="$TMP/swift"

stop_server() { bash "$here/swift-down.sh" "$state" >/dev/null 2>&1; }
trap 'stop_server; rm -rf "$TMP"' EXIT INT TERM

if ! command -v ruby >/dev/null 2>&1; then
    skip s3cse_ruby "no ruby (Debian packages: tests/deps/s3cse-ruby.apt)"
    finish
fi
if ! ruby "$RB" check >"$TMP/rb.out" 2>&1; then
    skip s3cse_ruby "the Ruby S3 Encryption Client does not load: $(tail -n 1 "$TMP/rb.out")"
    finish
fi
bash "$here/swift-up.sh" "$state" >"$TMP/up.out" 2>"$TMP/up.err"
rc=$?
if [ $rc -eq 77 ]; then
    skip s3cse_ruby "no S3 server: $(tail -n 1 "$TMP/up.err")"
    finish
fi
if [ $rc -ne 0 ]; then
    fail swift_up "swift-up.sh exited $rc: $(tail -n 20 "$TMP/up.err" | tr '\n' ' ')"
    finish
fi
pass "s3cse_ruby_peer ($(cat "$TMP/rb.out"); $(cat "$TMP/up.out"))"
. "$state/s3.env"
export AWS_ACCESS_KEY_ID="$S3_ACCESS_KEY" AWS_SECRET_ACCESS_KEY="$S3_SECRET_KEY"
export AWS_REGION="$S3_REGION" S3_ENDPOINT
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3 AWS_DEFAULT_REGION 2>/dev/null
export AWS_MAX_ATTEMPTS=2
EP="--endpoint-url $S3_ENDPOINT"
B=seckit-s3cse
S="s3://$B"
cd "$TMP" || exit 1
rb() { rb_action=$1; shift; ruby "$RB" "$rb_action" --bucket "$B" "$@"; }

check s3cse_mb 0 s3 mb "$S" $EP && pass s3cse_mb
head -c 32 /dev/urandom >aes.key && chmod 600 aes.key
head -c 16 /dev/urandom >aes128.key && chmod 600 aes128.key
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.pem 2>/dev/null && chmod 600 rsa.pem
head -c 300001 /dev/urandom >small.bin
head -c 3145739 /dev/urandom >big.bin   # over Ruby's 1 MiB in-memory limit: its temp-file path
ALLOW="--commitment-policy require-encrypt-allow-decrypt"

# fetch KEY: the body (seckit s3 cp), head-object output (Ruby) and the
# instruction file when there is one, into KEY.body / KEY.json / KEY.instr.
fetch() {
    k=$1 f=$(echo "$1" | tr / _)
    seckit s3 cp "$S/$k" "$f.body" $EP >/dev/null 2>"$ERR" || return 1
    rb head --key "$k" --out "$f.json" 2>>"$ERR" || return 1
    rm -f "$f.instr"
    seckit s3 cp "$S/$k.instruction" "$f.instr" $EP >/dev/null 2>&1 || rm -f "$f.instr"
    return 0
}
# metadata_arg JSON: the map as `seckit s3 cp --metadata K=V,K=V`
metadata_arg() { ruby -rjson -e 'puts JSON.parse(File.read(ARGV[0])).map { |k, v| "#{k}=#{v}" }.join(",")' "$1"; }

# ---- Ruby writes, seckit reads --------------------------------------------------
for c in "aes-meta --aes-key aes.key" "aes128-meta --aes-key aes128.key --matdesc {\"kid\":\"a128\"}" \
    "rsa-meta --rsa-key rsa.pem" "aes-instr --aes-key aes.key --instruction-file" \
    "rsa-instr --rsa-key rsa.pem --instruction-file" "aes-big --aes-key aes.key"; do
    # shellcheck disable=SC2086
    set -- $c
    label=$1
    shift
    src=small.bin
    case $label in *big) src=big.bin ;; esac
    case " $* " in *" --rsa-key "*) key="--raw-rsa-key file=rsa.pem" ;;
    *aes128*) key="--raw-aes-key file=aes128.key" ;; *) key="--raw-aes-key file=aes.key" ;; esac
    if ! rb put --key "ruby/$label" --in "$src" "$@" 2>"$ERR"; then
        fail "ruby_to_seckit[$label]" "ruby put: $(tail -n 3 "$ERR" | tr '\n' ' ')"
        continue
    fi
    if ! fetch "ruby/$label"; then
        fail "ruby_to_seckit[$label]" "fetch: $(head -c 300 "$ERR")"
        continue
    fi
    f=ruby_$label
    instr=""
    [ -f "$f.instr" ] && instr="--instruction-file $f.instr"
    case $label in *instr) [ -n "$instr" ] || { fail "ruby_to_seckit[$label]" "no instruction file"; continue; } ;; esac
    # shellcheck disable=SC2086
    if check "ruby_to_seckit[$label]" 0 s3 decrypt $key $ALLOW --in "$f.body" --metadata "$f.json" $instr \
        --out "$f.out"; then
        cmp -s "$src" "$f.out" && pass "ruby_to_seckit[$label]" || fail "ruby_to_seckit[$label]" "plaintext differs"
    fi
done
# a wrong key fails and writes nothing
if check ruby_to_seckit_wrong_key 4 s3 decrypt --raw-aes-key file=aes128.key $ALLOW --in ruby_aes-meta.body \
    --metadata ruby_aes-meta.json --out wrong.out; then
    [ ! -e wrong.out ] && pass ruby_to_seckit_wrong_key || fail ruby_to_seckit_wrong_key "output written"
fi

# ---- V1 (legacy) objects from Ruby's V1 client ------------------------------------
for c in "v1-aes --aes-key aes.key" "v1-rsa --rsa-key rsa.pem" "v1-aes-instr --aes-key aes.key --instruction-file"; do
    # shellcheck disable=SC2086
    set -- $c
    label=$1
    shift
    case " $* " in *" --rsa-key "*) key="--raw-rsa-key file=rsa.pem" ;; *) key="--raw-aes-key file=aes.key" ;; esac
    if ! rb put --key "ruby/$label" --in small.bin --v1 "$@" 2>"$ERR" || ! fetch "ruby/$label"; then
        fail "ruby_v1[$label]" "ruby put or fetch: $(tail -n 3 "$ERR" | tr '\n' ' ')"
        continue
    fi
    f=ruby_$label
    instr=""
    [ -f "$f.instr" ] && instr="--instruction-file $f.instr"
    # shellcheck disable=SC2086
    if check "ruby_v1_refused[$label]" 3 s3 decrypt $key $ALLOW --in "$f.body" --metadata "$f.json" $instr \
        --out "$f.out"; then
        grep -q -- '--security-profile v2-and-legacy' "$ERR" && [ ! -e "$f.out" ] &&
            pass "ruby_v1_refused[$label]" || fail "ruby_v1_refused[$label]" "$(cat "$ERR")"
    fi
    # shellcheck disable=SC2086
    if check "ruby_v1[$label]" 0 s3 decrypt $key $ALLOW --security-profile v2-and-legacy --in "$f.body" \
        --metadata "$f.json" $instr --out "$f.out"; then
        cmp -s small.bin "$f.out" && pass "ruby_v1[$label]" || fail "ruby_v1[$label]" "plaintext differs"
    fi
done

# ---- seckit writes (V2), Ruby reads ----------------------------------------------
FORBID="--commitment-policy forbid-encrypt-allow-decrypt"
for c in "aes-meta --raw-aes-key file=aes.key" "aes128-meta --raw-aes-key file=aes128.key --materials-description kid=a128" \
    "rsa-meta --raw-rsa-key file=rsa.pem" "aes-instr --raw-aes-key file=aes.key" "rsa-instr --raw-rsa-key file=rsa.pem" \
    "aes-big --raw-aes-key file=aes.key"; do
    # shellcheck disable=SC2086
    set -- $c
    label=$1
    shift
    src=small.bin
    case $label in *big) src=big.bin ;; esac
    case " $* " in *" --raw-rsa-key "*) rkey="--rsa-key rsa.pem" ;; *aes128*) rkey="--aes-key aes128.key" ;;
    *) rkey="--aes-key aes.key" ;; esac
    f=sk_$label
    instr_out=""
    case $label in *instr) instr_out="--instruction-file-out $f.instruction" ;; esac
    # shellcheck disable=SC2086
    if ! check "seckit_to_ruby[$label]" 0 s3 encrypt "$@" $FORBID --in "$src" --out "$f.body" \
        --metadata-out "$f.json" $instr_out; then
        continue
    fi
    meta=$(metadata_arg "$f.json")
    up_ok=1
    if [ -n "$meta" ]; then
        seckit s3 cp "$f.body" "$S/seckit/$label" --metadata "$meta" $EP >/dev/null 2>"$ERR" || up_ok=0
    else
        seckit s3 cp "$f.body" "$S/seckit/$label" $EP >/dev/null 2>"$ERR" || up_ok=0
    fi
    if [ -n "$instr_out" ] && [ $up_ok = 1 ]; then
        seckit s3 cp "$f.instruction" "$S/seckit/$label.instruction" $EP >/dev/null 2>"$ERR" || up_ok=0
    fi
    if [ $up_ok = 0 ]; then
        fail "seckit_to_ruby[$label]" "upload: $(head -c 300 "$ERR")"
        continue
    fi
    # shellcheck disable=SC2086
    if rb get --key "seckit/$label" --out "$f.ruby" $rkey 2>"$ERR"; then
        cmp -s "$src" "$f.ruby" && pass "seckit_to_ruby[$label]" || fail "seckit_to_ruby[$label]" "plaintext differs"
    else
        fail "seckit_to_ruby[$label]" "ruby get: $(tail -n 3 "$ERR" | tr '\n' ' ')"
    fi
done
# Ruby 1.117's EncryptionV2 client predates V3: it cannot read seckit's
# default (key-committing) objects, which is why V2 is written above.
seckit s3 encrypt --raw-aes-key file=aes.key --in small.bin --out v3.body --metadata-out v3.json 2>"$ERR" &&
    seckit s3 cp v3.body "$S/seckit/v3" --metadata "$(metadata_arg v3.json)" $EP >/dev/null 2>>"$ERR"
if rb get --key seckit/v3 --out v3.ruby --aes-key aes.key 2>/dev/null; then
    fail ruby_reads_no_v3 "Ruby decrypted a V3 object (a newer gem?): update this test"
else
    pass ruby_reads_no_v3
fi

# ---- online: `seckit s3 cp` with key options, when it has them --------------------
if seckit s3 cp "$S/ruby/aes-meta" online.out --raw-aes-key file=aes.key $ALLOW $EP >"$OUT" 2>"$ERR"; then
    cmp -s small.bin online.out && pass online_cp_decrypts_ruby || fail online_cp_decrypts_ruby "plaintext differs"
    if check online_cp_encrypt_v2 0 s3 cp small.bin "$S/online/v2" --raw-rsa-key file=rsa.pem $FORBID $EP &&
        rb get --key online/v2 --out online.ruby --rsa-key rsa.pem 2>"$ERR"; then
        cmp -s small.bin online.ruby && pass online_cp_encrypt_v2 || fail online_cp_encrypt_v2 "plaintext differs"
    else
        fail online_cp_encrypt_v2 "$(tail -n 3 "$ERR" | tr '\n' ' ')"
    fi
elif grep -q 'unknown option\|that option is for' "$ERR"; then
    skip online_cp "seckit s3 cp does not take key options yet: $(head -n 1 "$ERR")"
else
    fail online_cp_decrypts_ruby "$(head -c 300 "$ERR")"
fi
finish

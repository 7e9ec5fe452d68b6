#!/bin/sh
# Benchmark (not part of make check): `seckit s3 cp` with client-side
# encryption up and down against the AWS S3 Encryption Client for Ruby
# (Aws::S3::EncryptionV2::Client, Debian ruby-aws-sdk-s3) on the same local
# OpenStack Swift server, the same object (random bytes, AES-256 key, V2
# envelope so that both can read what the other wrote).  Prints wall time and
# peak RSS of each and the ratios; goal: seckit >= 1.5x faster with <= 1/4 of
# Ruby's peak memory.
#
# Until `seckit s3 cp` takes the key options (online encryption), that row is
# SKIPped with the reason, and the offline pipeline (seckit s3 encrypt + plain
# seckit s3 cp up; plain cp + seckit s3 decrypt down) is measured instead, for
# information.
#
# Usage: tests/bench/bench-s3cse-ruby.sh [SECKIT] ; SIZE_MIB (default 256),
# ROUNDS (default 3; the median time and the median peak RSS of each are
# reported), PART_SIZE (passed to seckit s3 cp --part-size; default: cp's own:
# an encrypted file up to 5 GiB goes as one streamed PutObject, as Ruby's
# does; with --part-size, files larger than a part go multipart, where
# Swift's cost per part dominates).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
SECKIT=${1:-${SECKIT:-./seckit}}
[ -x "$SECKIT" ] || { echo "bench-s3cse-ruby: no seckit at $SECKIT (give its path)" >&2; exit 2; }
. "$here/lib.sh"
seckit_binary "$SECKIT"
SIZE_MIB=${SIZE_MIB:-256}
ROUNDS=${ROUNDS:-3}
RB="$top/tests/interop/s3cse/s3cse-ruby.rb"

command -v ruby >/dev/null 2>&1 || { echo "SKIP bench_s3cse_ruby: no ruby (tests/deps/s3cse-ruby.apt)"; exit 0; }
ruby "$RB" check >/dev/null 2>&1 || { echo "SKIP bench_s3cse_ruby: the Ruby S3 Encryption Client does not load"; exit 0; }
[ -x /usr/bin/time ] || { echo "SKIP bench_s3cse_ruby: no /usr/bin/time (Debian package time)"; exit 0; }

work=$(mktemp -d "${TMPDIR:-/tmp}/bench-s3cse.XXXXXX")
trap 'bash "$top/tests/integration/swift-down.sh" "$work/swift" >/dev/null 2>&1; rm -rf "$work"' EXIT INT TERM
cd "$work"
if ! bash "$top/tests/integration/swift-up.sh" "$work/swift" >up.out 2>up.err; then
    echo "SKIP bench_s3cse_ruby: no S3 server: $(tail -n 1 up.err)"
    exit 0
fi
. "$work/swift/s3.env"
export AWS_ACCESS_KEY_ID="$S3_ACCESS_KEY" AWS_SECRET_ACCESS_KEY="$S3_SECRET_KEY" AWS_REGION="$S3_REGION" S3_ENDPOINT
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
EP="--endpoint-url $S3_ENDPOINT"
PS=""
[ -n "${PART_SIZE:-}" ] && PS="--part-size $PART_SIZE"
B=bench
head -c 32 /dev/urandom >aes.key && chmod 600 aes.key
head -c $((SIZE_MIB * 1048576)) /dev/urandom >obj.bin
"$SECKIT" s3 mb "s3://$B" $EP >/dev/null
echo "bench-s3cse-ruby: $SIZE_MIB MiB object, Swift at $S3_ENDPOINT, $(ruby "$RB" check), median of $ROUNDS, part size ${PART_SIZE:-cp default}"

# measure NAME CMD...: run it ROUNDS times; the median wall time and the
# median peak RSS in $NAME.t / $NAME.m (KiB), every round in $NAME.all.
# Fails the script if CMD fails.
measure() {
    name=$1
    shift
    : >"$name.all"
    r=0
    while [ $r -lt "$ROUNDS" ]; do
        if ! /usr/bin/time -f '%e %M' -o "$name.tm" "$@" >/dev/null 2>"$name.err"; then
            echo "bench-s3cse-ruby: $name failed: $(tail -n 3 "$name.err" | tr '\n' ' ')" >&2
            return 1
        fi
        cat "$name.tm" >>"$name.all"
        r=$((r + 1))
    done
    med() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
    cut -d' ' -f1 "$name.all" | med >"$name.t"
    cut -d' ' -f2 "$name.all" | med >"$name.m"
    echo "  $name rounds (s KiB): $(tr '\n' ',' <"$name.all" | sed 's/,$//')"
}
# sum of two steps' times, max of their RSS: NAME A B
combine() {
    awk "BEGIN { printf \"%.2f\", $(cat "$2.t") + $(cat "$3.t") }" >"$1.t"
    m2=$(cat "$2.m") m3=$(cat "$3.m")
    [ "$m2" -gt "$m3" ] && echo "$m2" >"$1.m" || echo "$m3" >"$1.m"
}
row() {  # LABEL SECKIT-NAME RUBY-NAME
    st=$(cat "$2.t") sm=$(cat "$2.m") rt=$(cat "$3.t") rm=$(cat "$3.m")
    awk -v l="$1" -v st="$st" -v sm="$sm" -v rt="$rt" -v rm="$rm" 'BEGIN {
        printf "%-22s seckit %7.2f s %8.1f MiB | ruby %7.2f s %8.1f MiB | speed x%.2f (goal >= 1.5), memory %.3f of ruby (goal <= 0.25)\n",
            l, st, sm / 1024, rt, rm / 1024, (st > 0 ? rt / st : 0), (rm > 0 ? sm / rm : 0) }'
}

# Ruby: up and down (its get fetches the tag with a second ranged GET and
# streams into the file).
measure ruby_up ruby "$RB" put --bucket $B --key ruby.obj --in obj.bin --aes-key aes.key
measure ruby_down ruby "$RB" get --bucket $B --key ruby.obj --out ruby.out --aes-key aes.key
cmp -s obj.bin ruby.out || { echo "bench-s3cse-ruby: Ruby's download differs" >&2; exit 1; }
rm -f ruby.out

# seckit online, when `seckit s3 cp` takes key options.
if "$SECKIT" s3 cp "s3://$B/ruby.obj" probe.out --raw-aes-key file=aes.key \
    --commitment-policy require-encrypt-allow-decrypt --no-progress $EP >/dev/null 2>probe.err; then
    rm -f probe.out
    measure seckit_up "$SECKIT" s3 cp obj.bin "s3://$B/seckit.obj" --raw-aes-key file=aes.key \
        --commitment-policy forbid-encrypt-allow-decrypt --no-progress $PS $EP
    measure seckit_down "$SECKIT" s3 cp "s3://$B/ruby.obj" seckit.out --raw-aes-key file=aes.key \
        --commitment-policy require-encrypt-allow-decrypt --no-progress $PS $EP
    cmp -s obj.bin seckit.out || { echo "bench-s3cse-ruby: seckit's download differs" >&2; exit 1; }
    ruby "$RB" get --bucket $B --key seckit.obj --out ruby2.out --aes-key aes.key
    cmp -s obj.bin ruby2.out || { echo "bench-s3cse-ruby: Ruby cannot read seckit's upload" >&2; exit 1; }
    rm -f ruby2.out seckit.out
    row "cp up (encrypt)" seckit_up ruby_up
    row "cp down (decrypt)" seckit_down ruby_down
else
    echo "SKIP bench_s3cse_ruby_online: seckit s3 cp does not take key options yet: $(head -n 1 probe.err)"
fi

# seckit offline pipeline, for information: encrypt + plain cp up, plain cp +
# decrypt down (two processes, their times added, the larger RSS).
measure off_enc "$SECKIT" s3 encrypt --raw-aes-key file=aes.key --commitment-policy forbid-encrypt-allow-decrypt \
    --in obj.bin --out obj.enc --metadata-out obj.json
meta=$(ruby -rjson -e 'puts JSON.parse(File.read(ARGV[0])).map { |k, v| "#{k}=#{v}" }.join(",")' obj.json)
measure off_put "$SECKIT" s3 cp obj.enc "s3://$B/offline.obj" --metadata "$meta" --no-progress $PS $EP
measure off_get "$SECKIT" s3 cp "s3://$B/ruby.obj" ruby.enc --no-progress $PS $EP
ruby "$RB" head --bucket $B --key ruby.obj --out ruby.json
measure off_dec "$SECKIT" s3 decrypt --raw-aes-key file=aes.key --commitment-policy require-encrypt-allow-decrypt \
    --in ruby.enc --metadata ruby.json --out offline.out
cmp -s obj.bin offline.out || { echo "bench-s3cse-ruby: the offline decrypt differs" >&2; exit 1; }
combine off_up off_enc off_put
combine off_down off_get off_dec
row "offline encrypt + cp" off_up ruby_up
row "offline cp + decrypt" off_down ruby_down

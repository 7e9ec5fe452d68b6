#!/bin/sh
# Benchmark of CloudFront FLE decryption at the origin (not part of make
# check).  Prints rates and ratios:
#   1. single-field FLE form decrypts per second on one core (seckit fle
#      decrypt --lines, pinned with taskset) vs `openssl speed rsa2048`
#      private-key operations per second on the same core (goal >= 0.9);
#   2. vs the AWS Encryption SDK for JavaScript's decrypt rate on the same
#      messages, when node and @aws-crypto/client-node are found (goal >= 4);
#   3. two threads vs one (seckit fle decrypt --lines --threads 2; goal >= 1.8).
# Rates for 1 and 2 are per CPU second (user + system), as openssl speed
# counts, so other load on the machine disturbs them less; 3 is wall time.
# Usage: tests/bench/bench-fle.sh [SECKIT] ; N=lines (default 3000);
# NODE_PATH may point at a node_modules with @aws-crypto/client-node
# (tests/interop/node_modules is tried too).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
SECKIT=${1:-${SECKIT:-./seckit}}
[ -x "$SECKIT" ] || { echo "bench-fle: no seckit at $SECKIT (give its path)" >&2; exit 2; }
. "$here/lib.sh"
seckit_binary "$SECKIT"
N=${N:-3000}
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-fle.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
cd "$work"
pin=""
command -v taskset >/dev/null 2>&1 && pin="taskset -c 0"

"$SECKIT" keygen rsa --out priv.pem --public-out pub.pem >/dev/null
mkdir -p keys/FLEDemo && cp -p priv.pem keys/FLEDemo/DemoPublicKey.pem
# 50 distinct single-field forms like the seed's, repeated to N lines.
i=0
while [ $i -lt 50 ]; do
    printf 'Name=User+%d&Phone=404-555-%04d\n' $i $i >form.txt
    "$SECKIT" fle encrypt --public-key pub.pem --provider FLEDemo --key-name DemoPublicKey \
        --field Phone --in form.txt >>base.txt
    i=$((i + 1))
done
awk -v n="$N" '{ l[NR] = $0 } END { for (i = 0; i < n; i++) print l[i % NR + 1] }' base.txt >lines.txt
# The values alone, percent-decoded, for the JavaScript ESDK.
sed 's/.*Phone=//; s/%2B/+/g; s/%2F/\//g; s/%3D/=/g' base.txt >values.txt

# run_cpu CMD...: prints "wall cpu" seconds of CMD (output discarded).
run_cpu() {
    /usr/bin/time -f '%e %U %S' -o time.txt "$@" >/dev/null
    awk '{ printf "%s %.3f\n", $1, $2 + $3 }' time.txt
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

"$SECKIT" fle decrypt --keys-dir keys --lines --in lines.txt >/dev/null # warm up
set -- $(run_cpu $pin "$SECKIT" fle decrypt --keys-dir keys --lines --in lines.txt)
wall1=$1 cpu1=$2
rate1=$(awk -v n="$N" -v c="$cpu1" 'BEGIN { printf "%.0f", n / c }')
wrate1=$(awk -v n="$N" -v c="$wall1" 'BEGIN { printf "%.0f", n / c }')
speed=$($pin openssl speed -seconds 3 rsa2048 2>/dev/null | awk '/^rsa 2048 bits/ { print $6 }')
echo "seckit fle decrypt, 1 core:        $rate1 single-field forms/s per CPU second ($wrate1/s wall; $N forms)"
echo "openssl speed rsa2048, 1 core:      $speed private-key ops/s"
echo "ratio seckit / openssl:             $(ratio "$rate1" "$speed")   (goal >= 0.9)"

jsdir=""
for d in ${NODE_PATH:-} "$top/tests/interop/node_modules"; do
    [ -d "$d/@aws-crypto/client-node" ] && { jsdir=$d; break; }
done
if command -v node >/dev/null 2>&1 && [ -n "$jsdir" ]; then
    jn=$((N / 3))
    set -- $(NODE_PATH=$jsdir $pin node "$here/bench-fle-js.js" priv.pem values.txt "$jn")
    jsrate=$(awk -v n="$1" -v c="$3" 'BEGIN { printf "%.0f", n / c }')
    echo "ESDK for JavaScript decrypt, 1 core: $jsrate messages/s per CPU second ($jn messages)"
    echo "ratio seckit / JavaScript ESDK:     $(ratio "$rate1" "$jsrate")   (goal >= 4)"
else
    echo "ESDK for JavaScript: skipped (node or @aws-crypto/client-node not found; set NODE_PATH)"
fi

set -- $(run_cpu "$SECKIT" fle decrypt --keys-dir keys --lines --threads 1 --in lines.txt)
w1=$1 c1=$2
set -- $(run_cpu "$SECKIT" fle decrypt --keys-dir keys --lines --threads 2 --in lines.txt)
w2=$1 c2=$2
echo "wall time, 1 thread / 2 threads:    ${w1}s / ${w2}s"
echo "ratio 2 threads vs 1:               $(ratio "$w1" "$w2")   (goal >= 1.8; needs 2 idle cores)"
# Independent of other load: CPU seconds per form with 2 threads vs 1 (1.00
# means threads add no overhead, so 2 idle cores give 2x).
echo "CPU per form, 1 thread / 2 threads: $(ratio "$c1" "$c2")   (1.00 = no contention)"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

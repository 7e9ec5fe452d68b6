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
# Usage: tests/bench/bench-fle.sh [SECKIT] ; N=lines (default 3000),
# ROUNDS=rounds of each measurement, the median reported (default 5);
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

"$SECKIT" fle decrypt --keys-dir keys --field Phone --lines --in lines.txt >/dev/null # warm up
# This machine's speed drifts (a virtual machine on a shared host), so the
# measurements are taken in ROUNDS rounds, seckit and openssl speed back to
# back, and the median of the rounds' ratios is reported (with that round's
# rates).
ROUNDS=${ROUNDS:-5}
: >rounds1.txt
r=0
while [ $r -lt "$ROUNDS" ]; do
    set -- $(run_cpu $pin "$SECKIT" fle decrypt --keys-dir keys --field Phone --lines --in lines.txt)
    s=$($pin openssl speed -seconds 1 rsa2048 2>/dev/null | awk '/^rsa 2048 bits/ { print $6 }')
    awk -v n="$N" -v w="$1" -v c="$2" -v s="$s" \
        'BEGIN { printf "%.4f %.0f %.0f %s\n", n / c / s, n / c, n / w, s }' >>rounds1.txt
    r=$((r + 1))
done
set -- $(sort -n rounds1.txt | awk -v m=$(((ROUNDS + 1) / 2)) 'NR == m')
rate1=$2 wrate1=$3 speed=$4
echo "seckit fle decrypt, 1 core:        $rate1 single-field forms/s per CPU second ($wrate1/s wall; $N forms)"
echo "openssl speed rsa2048, 1 core:      $speed private-key ops/s"
echo "ratio seckit / openssl:             $(ratio "$rate1" "$speed")   (goal >= 0.9; median of $ROUNDS rounds: $(cut -d' ' -f1 rounds1.txt | sort -n | awk '{ printf "%s%.2f", (NR > 1 ? " " : ""), $1 }'))"

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

# Two threads against one, wall time, median of the rounds' ratios; beside
# it what the machine itself gives two busy cores in the same round (openssl
# speed with two processes against one: a shared host may not give two full
# cores), and the CPU time per form (1.00: threads add no cost).
: >rounds2.txt
r=0
while [ $r -lt "$ROUNDS" ]; do
    set -- $(run_cpu "$SECKIT" fle decrypt --keys-dir keys --field Phone --lines --threads 1 --in lines.txt)
    w1=$1 c1=$2
    set -- $(run_cpu "$SECKIT" fle decrypt --keys-dir keys --field Phone --lines --threads 2 --in lines.txt)
    w2=$1 c2=$2
    o1=$(openssl speed -seconds 1 rsa2048 2>/dev/null | awk '/^rsa 2048 bits/ { print $6 }')
    o2=$(openssl speed -multi 2 -seconds 1 rsa2048 2>/dev/null | awk '/^rsa 2048 bits/ { print $6 }')
    awk -v w1="$w1" -v w2="$w2" -v c1="$c1" -v c2="$c2" -v o1="$o1" -v o2="$o2" \
        'BEGIN { printf "%.4f %s %s %.4f %.4f\n", w1 / w2, w1, w2, o2 / o1, c1 / c2 }' >>rounds2.txt
    r=$((r + 1))
done
set -- $(sort -n rounds2.txt | awk -v m=$(((ROUNDS + 1) / 2)) 'NR == m')
echo "wall time, 1 thread / 2 threads:    ${2}s / ${3}s"
echo "ratio 2 threads vs 1:               $(ratio "$1" 1)   (goal >= 1.8; median of $ROUNDS rounds: $(cut -d' ' -f1 rounds2.txt | sort -n | awk '{ printf "%s%.2f", (NR > 1 ? " " : ""), $1 }'))"
echo "  same round, openssl speed 2 processes vs 1: $(ratio "$4" 1); CPU per form 1 thread / 2 threads: $(ratio "$5" 1) (1.00 = no contention)"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

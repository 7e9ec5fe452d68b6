#!/bin/sh
# Benchmark for the S3 client-side encryption library (not part of make
# check), offline and in memory through the streaming API (V3, AES-256):
#  1. encrypt and decrypt throughput of 1 GiB, in bytes per CPU second, as a
#     ratio to `openssl speed -evp aes-256-gcm` (16 KiB blocks) on one core
#     (goal >= 0.7); the median of BENCH_ROUNDS back-to-back rounds, since
#     this VM's speed drifts;
#  2. peak RSS of encrypting and decrypting a 4 GiB stream (goal <= 32 MiB).
# Usage: tests/bench/bench-s3cse.sh [BUILD_DIR] (default .); BENCH_MB (1024)
# and BENCH_STREAM_MB (4096) change the sizes.
set -eu
build=${1:-.}
here=$(cd "$(dirname "$0")" && pwd)
libdir=$build/.libs
[ -e "$libdir/libseckit.so" ] || { echo "bench-s3cse: no $libdir/libseckit.so (give the build folder)" >&2; exit 1; }
libdir=$(cd "$libdir" && pwd)
command -v openssl >/dev/null || { echo "bench-s3cse: openssl not found" >&2; exit 1; }
command -v cc >/dev/null || { echo "bench-s3cse: no C compiler" >&2; exit 1; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/bench-s3cse.XXXXXX")
trap 'rm -rf "$dir"' EXIT INT TERM
mb=${BENCH_MB:-1024}
smb=${BENCH_STREAM_MB:-4096}
rounds=${BENCH_ROUNDS:-3}
cc -O2 -I"$(dirname "$SECKIT")/include" -I"$here/../../include" -o "$dir/bench" "$here/bench_s3cse_lib.c" \
    -L"$libdir" -lseckit -Wl,-rpath,"$libdir"

echo "seckit s3cse library benchmark ($(uname -m), $(nproc) CPUs, $(openssl version))"
: >"$dir/rounds"
i=0
while [ "$i" -lt "$rounds" ]; do
    ossl=$(openssl speed -evp aes-256-gcm -seconds 3 -bytes 16384 2>/dev/null |
        awk '/^AES-256-GCM|^aes-256-gcm/ {v=$NF; sub(/k$/, "", v); print v * 1000}')
    set -- $("$dir/bench" speed "$mb")
    echo "$ossl $1 $2" >>"$dir/rounds"
    awk -v o="$ossl" -v e="$1" -v d="$2" -v r="$((i + 1))" 'BEGIN {
        printf "  round %d: openssl %.0f MB/s, encrypt %.0f MB/s (%.2f), decrypt %.0f MB/s (%.2f)\n",
            r, o / 1e6, e / 1e6, e / o, d / 1e6, d / o }'
    i=$((i + 1))
done
awk -v mb="$mb" '{ e[NR] = $2 / $1; d[NR] = $3 / $1; o[NR] = $1 }
    function median(a, n,   i, j, t) {
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
        return a[int((n + 1) / 2)] }
    END { n = NR
        printf "encrypt %d MiB (V3, streaming API, in memory): median ratio to openssl aes-256-gcm %.2f (goal >= 0.7)\n", mb, median(e, n)
        printf "decrypt %d MiB (V3, streaming API, in memory): median ratio to openssl aes-256-gcm %.2f (goal >= 0.7)\n", mb, median(d, n) }' "$dir/rounds"

rss=$("$dir/bench" stream "$smb")
awk -v r="$rss" -v mb="$smb" 'BEGIN {
    printf "stream %d MiB through encrypt and decrypt (1 MiB pieces): peak RSS %.1f MiB (goal <= 32 MiB)\n", mb, r / 1024 }'

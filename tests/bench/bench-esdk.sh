#!/bin/sh
# Benchmark for seckit esdk (not part of make check):
#  1. decrypt throughput of a large framed message (4 KiB frames), in bytes
#     per CPU second (user + system, as openssl speed counts, so other load
#     disturbs it less), as a ratio to `openssl speed -evp aes-256-gcm` (16
#     KiB blocks) on the same machine (goal >= 0.6): through the library's
#     streaming API in memory, and through `seckit esdk decrypt --out FILE`,
#     next to what `cat` of the same file costs (the kernel's page-cache
#     copies bound any file-to-file command);
#  2. peak RSS of a streaming decrypt of a 1 GiB message (goal <= 16 MiB),
#     measured with /usr/bin/time -v.
# Usage: tests/bench/bench-esdk.sh [SECKIT] (default ./seckit); BENCH_DIR
# for the scratch files (needs about 3.5 GiB), BENCH_MB for the size of the
# throughput message (default 512).
set -eu
SECKIT=${1:-${SECKIT:-./seckit}}
[ -x "$SECKIT" ] || { echo "bench-esdk: no seckit at $SECKIT" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
seckit_binary "$SECKIT"
command -v openssl >/dev/null || { echo "bench-esdk: openssl not found" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench-esdk: /usr/bin/time (GNU time) not found" >&2; exit 1; }
dir=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/bench-esdk.XXXXXX")
trap 'rm -rf "$dir"' EXIT INT TERM
mb=${BENCH_MB:-512}
head -c 32 /dev/urandom >"$dir/aes.key"
chmod 600 "$dir/aes.key"
KEY="--raw-aes-key namespace=bench,name=k,file=$dir/aes.key"

# OpenSSL's AES-256-GCM speed (bytes/s) at 16 KiB blocks.
ossl=$(openssl speed -evp aes-256-gcm -seconds 3 -bytes 16384 2>/dev/null |
    awk '/^AES-256-GCM|^aes-256-gcm/ {v=$NF; sub(/k$/, "", v); print v * 1000}')
[ -n "$ossl" ] || { echo "bench-esdk: could not read openssl speed output" >&2; exit 1; }

throughput() { # SUITE POLICY
    suite=$1 policy=$2
    head -c $((mb * 1048576)) /dev/urandom >"$dir/pt"
    "$SECKIT" esdk encrypt $KEY --suite "$suite" --frame-length 4096 --commitment-policy "$policy" \
        --in "$dir/pt" --out "$dir/ct"
    rm -f "$dir/pt"
    cat "$dir/ct" >/dev/null # warm the page cache
    best=0
    for run in 1 2 3; do
        /usr/bin/time -f "%U %S %e" -o "$dir/t" "$SECKIT" esdk decrypt $KEY \
            --commitment-policy require-encrypt-allow-decrypt --in "$dir/ct" --out "$dir/out"
        rm -f "$dir/out"
        # Bytes per CPU second (user + system), as openssl speed counts.
        rate=$(awk -v b=$((mb * 1048576)) '{cpu = $1 + $2; if (cpu < 0.01) cpu = 0.01; printf "%.0f", b / cpu}' "$dir/t")
        [ "$rate" -gt "$best" ] && best=$rate
    done
    # What copying the same file with read and write (cat) costs alone, no
    # decryption: the floor under any file-to-file command.
    copy=0
    for run in 1 2 3; do
        /usr/bin/time -f "%U %S %e" -o "$dir/t" sh -c 'cat "$1" >"$2"' sh "$dir/ct" "$dir/copy"
        rm -f "$dir/copy"
        rate=$(awk -v b=$((mb * 1048576)) '{cpu = $1 + $2; if (cpu < 0.01) cpu = 0.01; printf "%.0f", b / cpu}' "$dir/t")
        [ "$rate" -gt "$copy" ] && copy=$rate
    done
    rm -f "$dir/ct"
    awk -v s="$suite" -v r="$best" -v o="$ossl" -v mb="$mb" -v c="$copy" 'BEGIN {
        printf "decrypt %s, %d MiB, 4 KiB frames, file to file: %.0f MB/s; openssl aes-256-gcm: %.0f MB/s; ratio %.2f (goal >= 0.6)\n",
            s, mb, r / 1e6, o / 1e6, r / o
        # AES at openssl speed plus the kernel copy alone, per byte
        printf "    cat of the same file alone: %.0f MB/s, so a file-to-file decrypt can reach at most ratio %.2f here\n",
            c / 1e6, (1 / (1 / o + 1 / c)) / o }'
}

echo "seckit esdk benchmark ($(uname -m), $(nproc) CPUs, $("$SECKIT" --version | head -1))"
# The library alone (in memory, no file I/O), when a C compiler is found.
libdir=$(dirname "$SECKIT")
[ -e "$libdir/libseckit.so" ] || libdir=$libdir/.libs
if command -v cc >/dev/null 2>&1 && [ -e "$libdir/libseckit.so" ] &&
    cc -O2 -I"$(dirname "$SECKIT")/include" -I"$here/../../include" -o "$dir/bench_lib" "$here/bench_esdk_lib.c" \
        -L"$libdir" -lseckit -Wl,-rpath,"$libdir" 2>"$dir/cc.log"; then
    # Signing suites also hash the whole message with SHA-384 for the
    # ECDSA footer, so AES-GCM and SHA-384 together bound them.
    sha=$(openssl speed -evp sha384 -seconds 3 -bytes 16384 2>/dev/null |
        awk '/^sha384|^SHA384/ {v=$NF; sub(/k$/, "", v); print v * 1000}')
    for s in 0478 0178 0578; do
        r=$("$dir/bench_lib" "$mb" "$s")
        awk -v s="$s" -v r="$r" -v o="$ossl" -v mb="$mb" -v h="${sha:-0}" 'BEGIN {
            printf "library only (streaming API, in memory) 0x%s, %d MiB, 4 KiB frames: %.0f MB/s; ratio %.2f (goal >= 0.6)\n",
                s, mb, r / 1e6, r / o
            if (s == "0578" && h > 0)
                printf "    signing suite: openssl sha384 %.0f MB/s, so AES-GCM + SHA-384 allow at most ratio %.2f\n",
                    h / 1e6, (1 / (1 / o + 1 / h)) / o }'
    done
else
    echo "library-only benchmark skipped (no cc or no $libdir/libseckit.so)"
fi

throughput 0x0478 require-encrypt-allow-decrypt
throughput 0x0178 forbid-encrypt-allow-decrypt
throughput 0x0578 require-encrypt-allow-decrypt

# Peak RSS of a streaming decrypt of a 1 GiB message.
head -c 1073741824 /dev/zero |
    "$SECKIT" esdk encrypt $KEY --suite 0x0578 --frame-length 4096 --out "$dir/big.ct"
/usr/bin/time -v "$SECKIT" esdk decrypt $KEY --in "$dir/big.ct" --out "$dir/big.out" 2>"$dir/time.txt"
size=$(stat -c %s "$dir/big.out")
rss=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$dir/time.txt")
wall=$(awk '/Elapsed \(wall clock\)/ {print $NF}' "$dir/time.txt")
awk -v r="$rss" -v s="$size" -v w="$wall" 'BEGIN {
    printf "streaming decrypt of a 1 GiB message (0x0578, 4 KiB frames) to a file: %d bytes out in %s, peak RSS %.1f MiB (goal <= 16 MiB)\n",
        s, w, r / 1024 }'

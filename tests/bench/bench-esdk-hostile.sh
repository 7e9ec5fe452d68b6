#!/bin/sh
# Benchmark for hostile ESDK headers (not part of make check): the CPU time
# to reject a message whose header is as large as the limits allow, next to
# the time to decrypt a normal message of about the same size, both through
# the library's streaming API fed in 4 KiB chunks (bench_esdk_hostile.c) and
# through `cat FILE | seckit esdk decrypt` (a pipe: the command reads it in
# pieces too).
#   default-limits: 10 EDKs of 4,000 bytes and a full 65,535-byte context
#                   (about 106 KB: the most the default limits accept);
#   1.6MB:          61,000 EDKs of 10 bytes with the EDK limit lifted
#                   (--max-encrypted-data-keys 65535), the size the issue
#                   measured (2.4 s before linear parsing);
#   16MB:           65,535 EDKs of 240 bytes (the format's EDK maximum), with
#                   the limits lifted; skipped when BENCH_MAX=0 (quadratic
#                   parsers take minutes).
# Usage: tests/bench/bench-esdk-hostile.sh [SECKIT] (default ./seckit).
set -eu
SECKIT=${1:-${SECKIT:-./seckit}}
[ -x "$SECKIT" ] || { echo "bench-esdk-hostile: no seckit at $SECKIT" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
seckit_binary "$SECKIT"
[ -x /usr/bin/time ] || { echo "bench-esdk-hostile: /usr/bin/time (GNU time) not found" >&2; exit 1; }
command -v cc >/dev/null 2>&1 || { echo "bench-esdk-hostile: no C compiler" >&2; exit 1; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/bench-esdk-hostile.XXXXXX")
trap 'rm -rf "$dir"' EXIT INT TERM
libdir=$(dirname "$SECKIT")
[ -e "$libdir/libseckit.so" ] || libdir=$libdir/.libs
[ -e "$libdir/libseckit.so" ] || { echo "bench-esdk-hostile: no libseckit.so near $SECKIT" >&2; exit 1; }
cc -O2 -I"$(dirname "$SECKIT")/include" -I"$here/../../include" -o "$dir/drv" "$here/bench_esdk_hostile.c" \
    -L"$libdir" -lseckit -Wl,-rpath,"$libdir"
head -c 32 /dev/urandom >"$dir/aes.key"
chmod 600 "$dir/aes.key"
KEY="--raw-aes-key namespace=bench,name=k,file=$dir/aes.key"

# cli FILE [OPTIONS]: CPU seconds (user + system) of cat FILE | seckit esdk decrypt.
cli() {
    f=$1
    shift
    /usr/bin/time -f "%U %S" -o "$dir/t" sh -c 'cat "$1" | "$2" esdk decrypt $3 --commitment-policy require-encrypt-allow-decrypt $4 >/dev/null 2>&1' \
        sh "$f" "$SECKIT" "$KEY" "$*" || true
    tail -n 1 "$dir/t" | awk '{printf "%.3f", $1 + $2}'
}

row() { # NAME FILE MAX_EDKS
    name=$1 f=$2 m=$3
    size=$(stat -c %s "$f")
    lib=$("$dir/drv" lib "$f" "$dir/aes.key" "$m")
    opt=
    [ "$m" != 0 ] && opt="--max-encrypted-data-keys $m"
    printf '%-16s %10s  lib %8ss (rc %s)  cli %8ss\n' "$name" "$size" "${lib% *}" "${lib#* }" "$(cli "$f" $opt)"
}

echo "ESDK hostile headers (CPU seconds; lib = streaming API in 4 KiB chunks, best of 3;"
echo "cli = cat FILE | seckit esdk decrypt; rc = the library's result code)"
"$dir/drv" make-hostile "$dir/h-default" 10 4000 65535
row hostile-default "$dir/h-default" 0
"$dir/drv" make-normal "$dir/n-small" "$dir/aes.key" 106000
row normal-106KB "$dir/n-small" 0
"$dir/drv" make-hostile "$dir/h-1.6" 61000 10 0
row hostile-1.6MB "$dir/h-1.6" 65535
"$dir/drv" make-normal "$dir/n-1.6" "$dir/aes.key" 1660000
row normal-1.6MB "$dir/n-1.6" 0
if [ "${BENCH_MAX:-1}" != 0 ]; then
    "$dir/drv" make-hostile "$dir/h-16" 65535 240 0
    row hostile-16MB "$dir/h-16" 65535
    "$dir/drv" make-normal "$dir/n-16" "$dir/aes.key" 16000000
    row normal-16MB "$dir/n-16" 0
fi

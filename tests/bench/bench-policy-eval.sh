#!/bin/sh
# Benchmark of `seckit policy eval` (a benchmark, never a pass/fail test; not
# run by `make check`): decisions per second for a 10-statement policy with
# conditions, seckit against @cloud-copilot/iam-simulate (npm, an outside
# program: AGPL) on the same requests in the same run.  Goal: >= 100x.
#
#   tests/bench/bench-policy-eval.sh [SECKIT]   (default: ./seckit, run from
#                                                a build folder)
#
# seckit evaluates N requests with --requests (one process: reading the
# policy, parsing every request line and writing a JSON result each count);
# iam-simulate evaluates M of the same requests with runSimulation in one node
# process (each simulation parses the policy, as runSimulation takes policy
# documents).  Rates are the best of 3 runs.  Needs node and npm.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
SECKIT=${1:-${SECKIT:-./seckit}}
if [ ! -x "$SECKIT" ]; then
    echo "bench-policy-eval: no seckit at $SECKIT (run from the build folder or pass the path)" >&2
    exit 2
fi
. "$here/lib.sh"
seckit_binary "$SECKIT"
for tool in node npm; do
    command -v "$tool" >/dev/null 2>&1 || { echo "bench-policy-eval: needs $tool" >&2; exit 2; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/seckit-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
N=${BENCH_EVAL_N:-200000}
M=${BENCH_EVAL_M:-5000}
js="$top/tests/interop/policy-eval-diff.js"

mods=${SECKIT_NODE_MODULES:-$top/tests/interop/node_modules}
if [ ! -d "$mods/@cloud-copilot/iam-simulate" ]; then
    echo "== installing @cloud-copilot/iam-simulate (tests/interop/package-lock.json)"
    cp "$top/tests/interop/package.json" "$top/tests/interop/package-lock.json" "$tmp/"
    (cd "$tmp" && npm ci --no-audit --no-fund --silent >/dev/null)
    mods="$tmp/node_modules"
fi
node "$js" benchgen "$N" "$tmp"
head -n "$M" "$tmp/cases.jsonl" >"$tmp/cases-m.jsonl"
version=$(node -e 'console.log(require(process.argv[1]).version)' "$mods/@cloud-copilot/iam-simulate/package.json")

ns() { date +%s%N; }
best_rate=0
for i in 1 2 3; do
    t0=$(ns)
    rc=0
    "$SECKIT" policy eval --policy "$tmp/policy.json" --requests "$tmp/requests.jsonl" >"$tmp/out.jsonl" || rc=$?
    t1=$(ns)
    [ "$rc" -le 1 ] || { echo "bench-policy-eval: seckit failed ($rc)" >&2; exit 1; }
    rate=$(awk -v n="$N" -v t="$((t1 - t0))" 'BEGIN { printf "%.0f", n / (t / 1e9) }')
    [ "$rate" -gt "$best_rate" ] && best_rate=$rate
done
[ "$(wc -l <"$tmp/out.jsonl")" -eq "$N" ] || { echo "bench-policy-eval: seckit wrote $(wc -l <"$tmp/out.jsonl") results for $N requests" >&2; exit 1; }
allowed=$(grep -c '"EvalDecision":"allowed"' "$tmp/out.jsonl" || true)
sim_rate=0
for i in 1 2 3; do
    r=$(node "$js" bench "$(dirname "$mods")" 1 <"$tmp/cases-m.jsonl")
    sim_rate=$(awk -v a="$sim_rate" -v b="$r" 'BEGIN { print (b > a) ? b : a }')
done
echo "policy: 10 statements with conditions; $N requests ($allowed allowed) for seckit, $M for iam-simulate $version"
echo "seckit policy eval --requests: $best_rate decisions/s"
echo "iam-simulate runSimulation:    $sim_rate decisions/s"
awk -v a="$best_rate" -v b="$sim_rate" 'BEGIN { printf "ratio: %.0fx (goal >= 100x)\n", a / b }'

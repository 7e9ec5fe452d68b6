# Differential test of the policy evaluator against @cloud-copilot/iam-simulate
# (npm, AGPL-3.0: an outside oracle run at test time only; none of its code
# or fixtures is in seckit).  tests/interop/policy-eval-diff.js generates
# policies and requests from a fixed seed; both evaluators decide each one;
# every decision must agree.  The areas where seckit follows the IAM User
# Guide and iam-simulate does not are kept out of the generator and listed
# in docs/policy-eval-divergences.md (unit tests cover seckit's side).
. "$top_srcdir/tests/lib.sh"
seed=${SECKIT_EVAL_DIFF_SEED:-20261207}
count=${SECKIT_EVAL_DIFF_COUNT:-3000}
runner="$top_builddir/tests/interop/policy_eval_cases"
js="$top_srcdir/tests/interop/policy-eval-diff.js"

if ! command -v node >/dev/null 2>&1; then
    skip policy_eval_vs_iam_simulate "node is not installed"
    finish
fi
if [ ! -x "$runner" ]; then
    skip policy_eval_vs_iam_simulate "$runner is not built (make check builds it)"
    finish
fi
# deps.sh --test installs the peers into the source tree; else the build tree.
mods=${SECKIT_NODE_MODULES:-$top_srcdir/tests/interop/node_modules}
[ -d "$mods/@cloud-copilot/iam-simulate" ] || mods=${SECKIT_NODE_MODULES:-$top_builddir/tests/interop/node_modules}
if [ ! -d "$mods/@cloud-copilot/iam-simulate" ]; then
    if ! command -v npm >/dev/null 2>&1; then
        skip policy_eval_vs_iam_simulate "npm is not installed and $mods has no @cloud-copilot/iam-simulate"
        finish
    fi
    dest=$(dirname "$mods")
    mkdir -p "$dest" && cp "$top_srcdir/tests/interop/package.json" "$top_srcdir/tests/interop/package-lock.json" "$dest/"
    if ! (cd "$dest" && timeout 300 npm ci --no-audit --no-fund) >"$TMP/npm.log" 2>&1; then
        skip policy_eval_vs_iam_simulate "npm ci failed (registry unreachable?): $(tail -2 "$TMP/npm.log" | tr '\n' ' ' | head -c 200)"
        finish
    fi
fi
dir=$(dirname "$mods")

if ! node "$js" gen "$seed" "$count" >"$TMP/cases.jsonl" 2>"$TMP/gen.err"; then
    fail policy_eval_vs_iam_simulate "the generator failed: $(head -c 300 "$TMP/gen.err")"
    finish
fi
if ! node "$js" oracle "$dir" <"$TMP/cases.jsonl" >"$TMP/oracle.txt" 2>"$TMP/oracle.err"; then
    fail policy_eval_vs_iam_simulate "iam-simulate failed: $(head -c 300 "$TMP/oracle.err")"
    finish
fi
${SECKIT_WRAPPER:-} "$runner" <"$TMP/cases.jsonl" >"$TMP/seckit.full" 2>"$TMP/seckit.err"
cut -f1 "$TMP/seckit.full" >"$TMP/seckit.txt"
n_cases=$(wc -l <"$TMP/cases.jsonl")
n_oracle=$(wc -l <"$TMP/oracle.txt")
n_seckit=$(wc -l <"$TMP/seckit.txt")
if [ "$n_cases" -ne "$n_oracle" ] || [ "$n_cases" -ne "$n_seckit" ]; then
    fail policy_eval_vs_iam_simulate "$n_cases cases, $n_oracle oracle answers, $n_seckit seckit answers"
    finish
fi
# cases iam-simulate refuses (its validator) are not compared; seckit must
# not refuse any
refused=$(grep -c '^error' "$TMP/oracle.txt")
ours=$(grep -c '^error' "$TMP/seckit.txt")
paste -d'|' "$TMP/oracle.txt" "$TMP/seckit.txt" | grep -n . |
    awk -F'|' '$1 !~ /:error/ { split($1, a, ":"); if (a[2] != $2) print a[1] ": iam-simulate " a[2] ", seckit " $2 }' \
        >"$TMP/diff.txt"
ndiff=$(wc -l <"$TMP/diff.txt")
if [ "$ndiff" -ne 0 ] || [ "$ours" -ne 0 ]; then
    first=$(head -1 "$TMP/diff.txt" | cut -d: -f1)
    fail policy_eval_vs_iam_simulate "$ndiff of $n_cases decisions differ, seckit refused $ours (seed $seed); first: $(head -1 "$TMP/diff.txt"): $(sed -n "${first:-1}p" "$TMP/cases.jsonl" | head -c 600)"
else
    allowed=$(grep -c '^allowed' "$TMP/seckit.txt")
    explicit=$(grep -c '^explicitDeny' "$TMP/seckit.txt")
    echo "# $n_cases cases (seed $seed): $allowed allowed, $explicit explicit deny, $refused refused by iam-simulate's validator"
    pass policy_eval_vs_iam_simulate
fi
finish

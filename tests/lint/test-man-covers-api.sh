# Every function declared in a public header (include/seckit/*.h) is
# mentioned in libseckit(3).  Functions not documented yet are listed in
# tests/lint/man-api-pending.txt; that list may only shrink: a name in it
# that the page now mentions, or that no header declares, fails too.
. "$top_srcdir/tests/lib.sh"
if ! command -v python3 >/dev/null 2>&1; then
    skip man_covers_api "python3 is not installed"
    finish
fi
page="$top_srcdir/man/libseckit.3"
pending="$top_srcdir/tests/lint/man-api-pending.txt"
# The names of the functions each header declares (comments, preprocessor
# lines and typedefs left out), as "HEADER NAME" lines.
python3 - "$top_srcdir/include/seckit" >"$TMP/declared" <<'PY'
import os, re, sys
d = sys.argv[1]
for h in sorted(os.listdir(d)):
    if not h.endswith('.h'):
        continue
    t = open(os.path.join(d, h), encoding='utf-8').read()
    t = re.sub(r'/\*.*?\*/', ' ', t, flags=re.S)
    t = re.sub(r'//[^\n]*', ' ', t)
    t = re.sub(r'^[ \t]*#(?:[^\n]*\\\n)*[^\n]*', ' ', t, flags=re.M)
    for stmt in re.split(r'[;{}]', t):
        if re.search(r'\btypedef\b', stmt):
            continue
        m = re.search(r'\b(seckit_\w+)\s*\(', stmt)
        if m and not re.search(r'\(\s*\*\s*seckit_\w+\s*\)', stmt):
            print(h, m.group(1))
PY
n=$(wc -l <"$TMP/declared")
if [ "$n" -lt 50 ]; then
    fail man_covers_api_declared "found only $n declarations in include/seckit/*.h"
    finish
fi
pass man_covers_api_declared
# undocumented PAGE PENDING HEADER: the functions HEADER declares that PAGE
# does not mention and PENDING does not list.
mentioned() { sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' "$1" | grep -oE 'seckit_[A-Za-z0-9_]+' | sort -u; }
pending_names() { grep -v '^#' "$1" | awk 'NF {print $1}' | sort -u; }
undocumented() {
    mentioned "$1" >"$TMP/mentioned"
    pending_names "$2" >"$TMP/pending"
    awk -v h="$3" '$1 == h {print $2}' "$TMP/declared" | sort -u |
        comm -23 - "$TMP/mentioned" | comm -23 - "$TMP/pending" | tr '\n' ' '
}
# stale PAGE PENDING: pending names PAGE mentions or no header declares.
stale() {
    mentioned "$1" >"$TMP/mentioned"
    pending_names "$2" >"$TMP/pending"
    comm -12 "$TMP/pending" "$TMP/mentioned" | tr '\n' ' '
    awk '{print $2}' "$TMP/declared" | sort -u | comm -13 - "$TMP/pending" | tr '\n' ' '
}
for h in $(awk '{print $1}' "$TMP/declared" | sort -u); do
    missing=$(undocumented "$page" "$pending" "$h")
    if [ -n "$missing" ]; then
        fail "man_covers_api[$h]" "not in man/libseckit.3 (nor in tests/lint/man-api-pending.txt): $missing"
    else
        pass "man_covers_api[$h]"
    fi
done
# The pending list only shrinks.
left=$(stale "$page" "$pending")
if [ -n "${left% }" ]; then
    fail man_api_pending_current "remove from tests/lint/man-api-pending.txt (documented now or no longer declared): $left"
else
    pass man_api_pending_current
fi
# Near misses, so the check is known to bite: a page that lost one function
# reports it; a pending list naming a documented function is stale.
sed 's/seckit_policy_report_baseline\b/seckit_policy_report_xxx/g' "$page" >"$TMP/lost.3"
case " $(undocumented "$TMP/lost.3" "$pending" policy.h) " in
*" seckit_policy_report_baseline "*) pass man_covers_api_detects_missing ;;
*) fail man_covers_api_detects_missing "a page without seckit_policy_report_baseline passed" ;;
esac
{ cat "$pending"; echo "seckit_policy_report_baseline policy.h"; } >"$TMP/pending.txt"
case " $(stale "$page" "$TMP/pending.txt") " in
*" seckit_policy_report_baseline "*) pass man_api_pending_detects_stale ;;
*) fail man_api_pending_detects_stale "a documented function on the pending list passed" ;;
esac
finish

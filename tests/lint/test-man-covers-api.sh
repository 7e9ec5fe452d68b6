# Every function declared in a public header (include/seckit/*.h) is
# mentioned in libseckit(3).
. "$top_srcdir/tests/lib.sh"
if ! command -v python3 >/dev/null 2>&1; then
    skip man_covers_api "python3 is not installed"
    finish
fi
page="$top_srcdir/man/libseckit.3"
# The names of the functions each header declares (comments, preprocessor
# lines and typedefs left out), as "HEADER NAME" lines.
python3 "$top_srcdir/tests/lint/declared-functions.py" "$top_srcdir/include/seckit" >"$TMP/declared"
n=$(wc -l <"$TMP/declared")
if [ "$n" -lt 50 ]; then
    fail man_covers_api_declared "found only $n declarations in include/seckit/*.h"
    finish
fi
pass man_covers_api_declared
# undocumented PAGE HEADER: the functions HEADER declares that PAGE does
# not mention (a whole name: seckit_x_ex is not seckit_x).
undocumented() {
    sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' "$1" | grep -oE 'seckit_[A-Za-z0-9_]+' | sort -u >"$TMP/mentioned"
    awk -v h="$2" '$1 == h {print $2}' "$TMP/declared" | sort -u | comm -23 - "$TMP/mentioned" | tr '\n' ' '
}
for h in $(awk '{print $1}' "$TMP/declared" | sort -u); do
    missing=$(undocumented "$page" "$h")
    if [ -n "$missing" ]; then
        fail "man_covers_api[$h]" "not in man/libseckit.3: $missing"
    else
        pass "man_covers_api[$h]"
    fi
done
# Near misses, so the check is known to bite: a page that lost one function
# reports it (and only it); a longer name does not count for a shorter one.
sed 's/seckit_policy_report_baseline\b/seckit_policy_report_xxx/g' "$page" >"$TMP/lost.3"
got=$(undocumented "$TMP/lost.3" policy.h)
if [ "$got" = "seckit_policy_report_baseline " ]; then
    pass man_covers_api_detects_missing
else
    fail man_covers_api_detects_missing "a page without seckit_policy_report_baseline gave: '$got'"
fi
sed 's/seckit_s3_head_object\b/seckit_s3_head_object_ex/g' "$page" >"$TMP/prefix.3"
got=$(undocumented "$TMP/prefix.3" s3.h)
if [ "$got" = "seckit_s3_head_object " ]; then
    pass man_covers_api_whole_names
else
    fail man_covers_api_whole_names "a page naming only seckit_s3_head_object_ex gave: '$got'"
fi
finish

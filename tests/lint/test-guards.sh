#!/bin/sh
# Library error paths go through the guard macros of src/base/guard.h
# (SKT_GUARD, SKT_ENSURE, SKT_GUARD_GOTO, ...), so that each failure is one line
# and every guard tests the same thing (< 0).  Rules:
#  - every library .c file that can fail itself (sets an error or uses a SECKIT_E
#    code) includes "src/base/guard.h"; src/base/error.c, which implements
#    seckit_error_set for guard.h, is the one exception;
#  - no new hand-written `if (rc != 0) return rc;` (SKT_GUARD tests < 0; where a
#    callee also returns a positive status use SKT_GUARD_NONZERO);
#  - no new `if (bad) return seckit_error_set(...)` (that is SKT_ENSURE) and no
#    new direct seckit_error_set calls at all.
# The last two are ratchets: the counts below are what is left today (error
# paths inside blocks, multi-line conditions, comparators and callbacks whose
# positive results are meaningful); they may go down, never up.  When a count
# goes down, lower it here.
. "$top_srcdir/tests/lib.sh"
cd "$top_srcdir" || exit 1
# `if (rc != 0)` / `if ((rc = f()) != 0)` + `return rc;` left: comparators whose
# sign is the result (esdk_context.c key_cmp, json.c, data.c x4), a caller's
# callback (fle_crypt.c seckit_fle_fields_foreach), and policy/inputs_cfn.c x4 (its
# evaluator is being moved to its own file: convert after that move).
MAX_NE_RETURN=11
MAX_IF_SET=100        # braceless `if (...)` + `return seckit_error_set(...)`
MAX_DIRECT_SET=431    # seckit_error_set( calls in library .c files

lib_files() { ls crypto/*.c policy/*.c src/aws/*.c src/base/*.c src/io/*.c 2>/dev/null; }

# files that can fail but do not include guard.h
missing_guard() {
    for f in "$@"; do
        case $f in src/base/error.c) continue ;; esac
        grep -qE 'seckit_error_set|SECKIT_E[A-Z]' "$f" || continue
        grep -q '#include "src/base/guard.h"' "$f" || echo "$f"
    done
}
# `if (X != 0)` or `if ((X = ...) != 0)` directly followed by `return X;`
count_ne_return() {
    awk '{ if (prev != "" && $0 ~ "^[ \t]*return " prev ";[ \t]*$") { n++; print FILENAME ":" FNR > "/dev/stderr" }
           prev = ""
           if ($0 ~ /^[ \t]*if \(\(?[A-Za-z_][A-Za-z0-9_]*( = .*\))? != 0\)[ \t]*$/) {
               s = $0; sub(/^[ \t]*if \(\(?/, "", s); sub(/[ =)].*/, "", s); prev = s } }
         END { print n + 0 }' "$@"
}
# braceless `if (...)` directly followed by `return seckit_error_set(`
count_if_set() {
    awk '{ if (pif && $0 ~ /^[ \t]*return seckit_error_set\(/) { n++; print FILENAME ":" FNR > "/dev/stderr" }
           pif = ($0 ~ /^[ \t]*(} else )?if \(.*\)[ \t]*$/) }
         END { print n + 0 }' "$@"
}
count_direct_set() { cat "$@" | grep -o 'seckit_error_set(' | wc -l | tr -d ' '; }

# The checks themselves: they find what they are meant to and nothing else.
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/bad.c" <<'C'
static int f(seckit_error *err)
{
    int rc = g(err);
    if (rc != 0)
        return rc;
    if ((rc = g(err)) != 0)
        return rc;
    if (rc == 3)
        return seckit_error_set(err, SECKIT_EFORMAT, "bad");
    return 0;
}
C
cat > "$tmp/good.c" <<'C'
#include "src/base/guard.h"
static int f(seckit_error *err)
{
    int rc = g(err);
    SKT_GUARD(rc);
    if (rc != 0)
        return 0;
    if (rc != 0)
        return rc2;
    SKT_ENSURE(rc != 3, err, SECKIT_EFORMAT, "bad");
    if (rc == 4) {
        free(p);
        return seckit_error_set(err, SECKIT_EFORMAT, "bad");
    }
    return 0;
}
C
if [ "$(missing_guard "$tmp/bad.c" "$tmp/good.c")" = "$tmp/bad.c" ] &&
   [ "$(count_ne_return "$tmp/bad.c" 2>/dev/null)" = 2 ] &&
   [ "$(count_ne_return "$tmp/good.c" 2>/dev/null)" = 0 ] &&
   [ "$(count_if_set "$tmp/bad.c" 2>/dev/null)" = 1 ] &&
   [ "$(count_if_set "$tmp/good.c" 2>/dev/null)" = 0 ] &&
   [ "$(count_direct_set "$tmp/bad.c" "$tmp/good.c")" = 2 ]; then
    pass guard_checks_find_their_patterns
else
    fail guard_checks_find_their_patterns "the checks of this script miss or over-match their fixtures"
fi

files=$(lib_files)
hits=$(missing_guard $files)
[ -n "$hits" ] && fail lib_includes_guard_h "can fail but do not include src/base/guard.h: $(echo $hits)" ||
    pass lib_includes_guard_h
n=$(count_ne_return $files 2>"$tmp/where")
if [ "$n" -gt "$MAX_NE_RETURN" ]; then
    fail lib_no_new_ne_0_return "$n hand-written 'if (rc != 0) return rc;' (at most $MAX_NE_RETURN): use SKT_GUARD (or SKT_GUARD_NONZERO for a positive status): $(tr '\n' ' ' < "$tmp/where")"
else
    pass lib_no_new_ne_0_return
fi
n=$(count_if_set $files 2>"$tmp/where")
if [ "$n" -gt "$MAX_IF_SET" ]; then
    fail lib_no_new_if_return_error_set "$n 'if (bad) return seckit_error_set(...)' (at most $MAX_IF_SET): use SKT_ENSURE: $(tr '\n' ' ' < "$tmp/where")"
else
    pass lib_no_new_if_return_error_set
fi
n=$(count_direct_set $files)
if [ "$n" -gt "$MAX_DIRECT_SET" ]; then
    fail lib_no_new_direct_error_set "$n direct seckit_error_set calls (at most $MAX_DIRECT_SET): use SKT_ENSURE / SKT_ENSURE_GOTO"
else
    pass lib_no_new_direct_error_set
fi
finish

# Every public function that returns an error code is SECKIT_MUST_CHECK
# (warn_unused_result): each function declared in include/seckit/*.h that
# returns int and takes a seckit_error * carries it.  And the attribute
# works: a program that ignores seckit_init()'s result does not compile
# with -Werror=unused-result, one that checks it does.
. "$top_srcdir/tests/lib.sh"
if ! command -v python3 >/dev/null 2>&1; then
    skip must_check "python3 is not installed"
    finish
fi
# "NAME" for every int function taking a seckit_error * without the mark.
python3 - "$top_srcdir/tests/lint" "$top_srcdir/include/seckit" >"$TMP/unmarked" 2>"$ERR" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from public_decls import headers, declarations
seen = 0
for _, text in headers(sys.argv[2]):
    for name, ret, params in declarations(text):
        if ret[-1:] != ['int'] or 'seckit_error' not in params:
            continue
        if name.startswith('seckit_error_set'):
            continue  # return their argument: `return seckit_error_set(...)`
        seen += 1
        if 'SECKIT_MUST_CHECK' not in ret:
            print(name)
print(seen, file=sys.stderr)
PY
n=$(tail -1 "$ERR")
if [ "${n:-0}" -lt 100 ]; then
    fail must_check_declared "found only ${n:-0} int functions with a seckit_error * in include/seckit"
elif [ -s "$TMP/unmarked" ]; then
    fail must_check_declared "not SECKIT_MUST_CHECK: $(tr '\n' ' ' <"$TMP/unmarked")"
else
    pass "must_check_declared ($n)"
fi
cc=${CC:-cc}
if ! command -v "$cc" >/dev/null 2>&1; then
    skip must_check_compiles "no C compiler ($cc)"
    finish
fi
inc="-I$top_builddir/include -I$top_srcdir/include"
cat >"$TMP/checked.c" <<'C'
#include "seckit/seckit.h"
int main(void) { return seckit_init(NULL) == 0 ? 0 : 1; }
C
cat >"$TMP/ignored.c" <<'C'
#include "seckit/seckit.h"
int main(void) { seckit_init(NULL); return 0; }
C
# shellcheck disable=SC2086
if $cc -std=c11 -Werror=unused-result $inc -c -o "$TMP/checked.o" "$TMP/checked.c" 2>"$ERR"; then
    pass must_check_checked_compiles
else
    fail must_check_checked_compiles "$(head -c 300 "$ERR" | tr '\n' ' ')"
fi
# shellcheck disable=SC2086
if $cc -std=c11 -Werror=unused-result $inc -c -o "$TMP/ignored.o" "$TMP/ignored.c" 2>"$ERR"; then
    fail must_check_ignored_refused "ignoring seckit_init()'s result compiled with -Werror=unused-result"
elif grep -q 'seckit_init' "$ERR"; then
    pass must_check_ignored_refused
else
    fail must_check_ignored_refused "failed for another reason: $(head -c 300 "$ERR" | tr '\n' ' ')"
fi
finish

# seckit/seckit.h includes every public header (include/seckit/*.h, and
# version.h, which configure makes from version.h.in), and a program that
# includes only it compiles.
. "$top_srcdir/tests/lib.sh"
dir="$top_srcdir/include/seckit"
# missing_from FILE: the public headers FILE does not include.
missing_from() {
    for h in "$dir"/*.h "$dir"/*.h.in; do
        [ -e "$h" ] || continue
        name=$(basename "$h" .in)
        [ "$name" = seckit.h ] && continue
        grep -q "^#include \"seckit/$name\"" "$1" || printf '%s ' "$name"
    done
}
got=$(missing_from "$dir/seckit.h")
if [ -z "$got" ]; then
    pass seckit_h_includes_all
else
    fail seckit_h_includes_all "seckit/seckit.h does not include: $got"
fi
# Near miss: a seckit.h without one of its lines reports that header.
grep -v '^#include "seckit/policy_inputs.h"' "$dir/seckit.h" >"$TMP/seckit.h"
got=$(missing_from "$TMP/seckit.h")
if [ "$got" = "policy_inputs.h " ]; then
    pass seckit_h_detects_missing
else
    fail seckit_h_detects_missing "a seckit.h without policy_inputs.h gave: '$got'"
fi
cc=${CC:-cc}
if ! command -v "$cc" >/dev/null 2>&1; then
    skip seckit_h_compiles "no C compiler ($cc)"
    finish
fi
printf '#include "seckit/seckit.h"\nint main(void) { return SECKIT_VERSION_MAJOR < 0; }\n' >"$TMP/only.c"
if "$cc" -std=c11 -Wall -Werror -I"$top_builddir/include" -I"$top_srcdir/include" \
    -c -o "$TMP/only.o" "$TMP/only.c" 2>"$ERR"; then
    pass seckit_h_compiles_alone
else
    fail seckit_h_compiles_alone "$(head -c 300 "$ERR" | tr '\n' ' ')"
fi
finish

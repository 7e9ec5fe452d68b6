# libseckit.so exports exactly the functions the public headers declare
# (include/seckit/*.h, SECKIT_EXPORT with -fvisibility=hidden): nothing
# internal leaks out (a seckit_ function no header declares included), and
# nothing declared is missing.  Reads `nm -D --defined-only` of the built
# shared library; skips, saying why, when there is none (--disable-shared)
# or no nm/python3.
. "$top_srcdir/tests/lib.sh"
so="$top_builddir/.libs/libseckit.so"
if [ ! -f "$so" ]; then
    skip exported_symbols "$so is not built (configured with --disable-shared?)"
    finish
fi
for tool in nm python3; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        skip exported_symbols "$tool is not installed"
        finish
    fi
done
python3 "$top_srcdir/tests/lint/declared-functions.py" "$top_srcdir/include/seckit" |
    awk '{print $2}' | sort -u >"$TMP/declared"
# Names the toolchain reserves (_init, __bss_start, sanitizer hooks) are not
# the library's.
if ! nm -D --defined-only "$so" >"$TMP/nm" 2>"$ERR"; then
    fail exported_symbols_nm "nm -D $so: $(head -c 300 "$ERR" | tr '\n' ' ')"
    finish
fi
awk 'NF >= 3 {print $3}' "$TMP/nm" | sed 's/@.*//' | grep -v '^_' | sort -u >"$TMP/exported"
n=$(wc -l <"$TMP/declared")
m=$(wc -l <"$TMP/exported")
if [ "$n" -lt 50 ] || [ "$m" -lt 50 ]; then
    fail exported_symbols_counts "$n declared, $m exported: the lists were not read"
    finish
fi
# diff_sets EXPORTED DECLARED: "+name" exported but not declared, "-name"
# declared but not exported.
diff_sets() {
    { comm -23 "$1" "$2" | sed 's/^/+/'; comm -13 "$1" "$2" | sed 's/^/-/'; } | tr '\n' ' '
}
got=$(diff_sets "$TMP/exported" "$TMP/declared")
if [ -z "$got" ]; then
    pass "exported_symbols_match_headers ($m)"
else
    fail exported_symbols_match_headers "+exported but not declared, -declared but not exported: $got"
fi
# Near misses, so the comparison is known to bite both ways: a function
# the headers do not declare, exported, and a declared one missing.
{ cat "$TMP/exported"; echo seckit_not_in_any_header; } | sort -u >"$TMP/extra"
got=$(diff_sets "$TMP/extra" "$TMP/declared")
if [ "$got" = "+seckit_not_in_any_header " ]; then
    pass exported_symbols_detects_undeclared
else
    fail exported_symbols_detects_undeclared "an extra export gave: '$got'"
fi
grep -v '^seckit_version$' "$TMP/exported" >"$TMP/fewer"
got=$(diff_sets "$TMP/fewer" "$TMP/declared")
if [ "$got" = "-seckit_version " ]; then
    pass exported_symbols_detects_missing
else
    fail exported_symbols_detects_missing "a missing export gave: '$got'"
fi
finish

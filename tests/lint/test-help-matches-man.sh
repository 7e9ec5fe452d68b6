# Every option a command's --help lists is documented in its man page, and
# every option its man page documents is in --help; seckit(1) lists every
# command and every command has a page.
. "$top_srcdir/tests/lib.sh"
options_of() { grep -oE -- '--[a-z][a-z0-9-]+' | sort -u; }
man_text() { sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\(em/-/g' "$1"; }
cmds=$(seckit --help | sed -n '/^Commands:/,/^$/p' | awk 'NF && $1 != "Commands:" && $1 != "help" {print $1}')
[ -n "$cmds" ] || fail commands_listed "seckit --help lists no commands"
for c in $cmds; do
    page="$top_srcdir/man/seckit-$c.1"
    if [ ! -f "$page" ]; then
        fail "man_page[$c]" "no man/seckit-$c.1"
        continue
    fi
    seckit help "$c" | options_of >"$TMP/help"
    man_text "$page" | options_of >"$TMP/man"
    only_help=$(comm -23 "$TMP/help" "$TMP/man" | tr '\n' ' ')
    only_man=$(comm -13 "$TMP/help" "$TMP/man" | tr '\n' ' ')
    if [ -n "$only_help$only_man" ]; then
        fail "help_matches_man[$c]" "only in --help: ${only_help:-none}; only in the man page: ${only_man:-none}"
    else
        pass "help_matches_man[$c]"
    fi
    if man_text "$top_srcdir/man/seckit.1" | grep -q "seckit-$c"; then
        pass "seckit.1_lists[$c]"
    else
        fail "seckit.1_lists[$c]" "man/seckit.1 does not mention seckit-$c(1)"
    fi
done
# Exit codes in seckit(1) match seckit --help.
for code in 0 1 2 3 4 5 6; do
    man_text "$top_srcdir/man/seckit.1" | grep -qE "^\.IP $code\b|^$code\b" || {
        fail "exit_codes_documented" "exit code $code is not in seckit(1)"; break; }
done
[ "$T_FAILED" = 0 ] && pass exit_codes_documented
finish

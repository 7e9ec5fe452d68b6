# The command's dispatch, help, version and exit codes.
. "$top_srcdir/tests/lib.sh"

if check help 0 --help && grep -q '^Usage: seckit' "$OUT" && grep -q keygen "$OUT"; then
    pass help
else
    fail help "seckit --help did not list keygen"
fi
if check help_command 0 help keygen && grep -q 'seckit keygen rsa' "$OUT"; then
    pass help_command
fi
if check help_matches_dash_help 0 keygen --help && [ "$(seckit help keygen)" = "$(cat "$OUT")" ]; then
    pass help_matches_dash_help
fi
if check version 0 --version; then
    ok=1
    for lib in openssl libsodium cjson libcurl; do
        grep -q "^  $lib " "$OUT" || ok=0
    done
    [ $ok = 1 ] && grep -q '^seckit [0-9]' "$OUT" && pass version ||
        fail version "missing library versions: $(tr '\n' '|' <"$OUT")"
fi
if check no_args 2; then
    grep -q 'Usage: seckit' "$ERR" && pass no_args || fail no_args "no usage on stderr"
fi
for args in "frobnicate" "--frobnicate" "help frobnicate" "help keygen extra"; do
    # shellcheck disable=SC2086
    if check "usage_error[$args]" 2 $args && one_line "usage_error[$args]"; then
        pass "usage_error[$args]"
    fi
done
# Messages have the form "seckit: <subcommand>: <message>".
if check message_form 2 keygen rsa && grep -q '^seckit: keygen: ' "$ERR"; then
    pass message_form
fi
# Output errors are reported, not ignored.
if [ -w /dev/full ]; then
    if seckit --help >/dev/full 2>"$ERR"; then
        fail stdout_write_error "exit 0 when stdout is /dev/full"
    else
        pass stdout_write_error
    fi
else
    skip stdout_write_error "/dev/full is not available"
fi
finish

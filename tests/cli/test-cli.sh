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
# Every action's options go through the same loop (cli_next_option): --help
# and -h print the usage on stdout alone; an unknown long or short option and
# a value-taking option given last are one-line usage errors (exit 2; 1 for
# policy lint, whose 2 means findings); the AWS options are taken where the
# action has them.  ACTION|VALUE-OPTION|STATUS
while IFS='|' read -r action opt bad; do
    # shellcheck disable=SC2086
    for h in --help -h; do
        if check "action_help[$action $h]" 0 $action $h; then
            if grep -q '^Usage:' "$OUT" && [ ! -s "$ERR" ]; then
                pass "action_help[$action $h]"
            else
                fail "action_help[$action $h]" "no usage on stdout alone"
            fi
        fi
    done
    # shellcheck disable=SC2086
    for args in "--no-such-option:unknown option --no-such-option" "-Z:unknown option -Z" \
        "$opt:option $opt needs a value"; do
        name="action_usage[$action ${args%%:*}]"
        if check "$name" "$bad" $action "${args%%:*}" && one_line "$name"; then
            if grep -q ": ${args#*:} (see " "$ERR"; then
                pass "$name"
            else
                fail "$name" "not '${args#*:}': $(cat "$ERR")"
            fi
        fi
    done
done <<'EOF_ACTIONS'
keygen rsa|--out|2
fle encrypt|--in|2
fle decrypt|--threads|2
fle decrypt-value|--region|2
fle push|--config|2
esdk encrypt|--suite|2
esdk decrypt|--in|2
s3 ls|--page-size|2
s3 cp|--profile|2
s3 head|--region|2
s3 rewrap|--report|2
s3 encrypt|--max-buffer|2
aws whoami|--endpoint-url|2
policy lint|--format|1
policy eval|--action|2
policy data|--data|2
emrfs resolve|--user|2
emrfs check|--format|2
emrfs can-access|--action|2
EOF_ACTIONS
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

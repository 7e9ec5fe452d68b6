# `seckit s3` usage errors free what option parsing allocated (the
# --exclude/--include list, the --metadata copy, the encryption options):
# every exit of its option parser goes through one cleanup path.  Each case
# runs under valgrind, where a definitely lost block fails it.
. "$top_srcdir/tests/lib.sh"
if ! command -v valgrind >/dev/null 2>&1; then
    skip s3_usage_leaks "valgrind is not installed"
    finish
fi
# valgrind cannot run a program built with AddressSanitizer (the sanitizer
# build checks for leaks itself).
if grep -q 'fsanitize=address' "$top_builddir/Makefile" 2>/dev/null; then
    skip s3_usage_leaks "this build uses AddressSanitizer, which does its own leak checks"
    finish
fi
# The command may be a libtool wrapper script: run the real program.
run_vg() {
    if [ -x "$top_builddir/libtool" ] && grep -q 'libtool' "$SECKIT" 2>/dev/null; then
        "$top_builddir/libtool" --mode=execute valgrind --quiet --leak-check=full \
            --errors-for-leak-kinds=definite --error-exitcode=9 "$SECKIT" "$@"
    else
        valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite \
            --error-exitcode=9 "$SECKIT" "$@"
    fi
}
# vg NAME EXPECTED ARGS...: the exit status (9 when valgrind saw a leak).
vg() {
    name=$1 expected=$2
    shift 2
    run_vg "$@" >"$OUT" 2>"$ERR"
    status=$?
    if [ "$status" -eq "$expected" ]; then
        pass "$name"
    else
        fail "$name" "exit status $status, expected $expected: $(head -c 600 "$ERR" | tr '\n' '|')"
    fi
}
# Usage errors after a filter, a --metadata copy or an encryption option.
vg leak_filter_page_size 2 s3 cp a s3://b/c --exclude x --page-size 5
vg leak_filter_part_size 2 s3 cp a s3://b/c --include x --exclude y --part-size 1
vg leak_filter_directive 2 s3 cp a s3://b/c --exclude x --metadata-directive MOVE
vg leak_metadata_bad 2 s3 cp a s3://b/c --metadata novalue
vg leak_metadata_then_bad 2 s3 cp a s3://b/c --metadata k=v --exclude x --expires-in 0
vg leak_filter_unknown 2 s3 cp a s3://b/c --exclude x --no-such-option
vg leak_filter_missing_value 2 s3 cp a s3://b/c --exclude x --page-size
vg leak_filter_wrong_command 2 s3 ls s3://b --exclude x
vg leak_keys_page_size 2 s3 cp a s3://b/c --kms-key-id alias/k --encryption-context a=b \
    --exclude x --page-size 5
vg leak_keys_bad_option 2 s3 cp a s3://b/c --exclude x --kms-key-id alias/k --envelope v9
vg leak_version_id 2 s3 cp a s3://b/c --exclude x --metadata k=v --version-id ''
# Near misses: --help after allocations exits 0 and leaks nothing too; an
# unknown subcommand allocates nothing.
vg leak_help 0 s3 cp --exclude x --metadata k=v --help
vg leak_unknown_sub 2 s3 frobnicate --exclude x
finish

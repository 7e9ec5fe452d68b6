#!/bin/sh
# Runs every unit test program, fuzz-corpus replayer and script test, counts
# their PASS/FAIL/SKIP lines and ends with "N passed, N failed, N skipped".
# Called by `make check` with UNIT_TESTS, SCRIPT_TESTS, FUZZ_REPLAYERS,
# VALGRIND_TESTS, top_srcdir and top_builddir in the environment.
# TESTS_FILTER (a grep -E pattern) runs only the matching programs/scripts.
set -u
top_srcdir=$(cd "${top_srcdir:-.}" && pwd)
top_builddir=$(cd "${top_builddir:-.}" && pwd)
export top_srcdir top_builddir
export SECKIT_TEST_DATA="$top_srcdir/tests"
export SECKIT="$top_builddir/seckit"
# Where ../shared is, when it is (tests that need it skip with a reason otherwise).
if [ -z "${SECKIT_SHARED:-}" ] && [ -d "$top_srcdir/../shared" ]; then
    SECKIT_SHARED=$(cd "$top_srcdir/../shared" && pwd)
fi
export SECKIT_SHARED="${SECKIT_SHARED:-}"

passed=0 failed=0 skipped=0
log_dir=$(mktemp -d "${TMPDIR:-/tmp}/seckit-tests.XXXXXX")
trap 'rm -rf "$log_dir"' EXIT INT TERM

valgrind_cmd=""
if [ "${VALGRIND_TESTS:-no}" = yes ]; then
    export SECKIT_TEST_QUICK=1
    valgrind_cmd="valgrind --quiet --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect"
fi

# run NAME CMD...: run one test, tally its lines.
run() {
    name=$1
    shift
    if [ -n "${TESTS_FILTER:-}" ] && ! printf '%s\n' "$name" | grep -Eq "$TESTS_FILTER"; then
        return 0
    fi
    out="$log_dir/out"
    "$@" >"$out" 2>"$log_dir/err"
    status=$?
    p=$(grep -c '^PASS ' "$out")
    f=$(grep -c '^FAIL ' "$out")
    s=$(grep -c '^SKIP ' "$out")
    grep -E '^(FAIL|SKIP) ' "$out" | sed "s|^|  $name: |"
    if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "  $name: FAIL: exited with status $status"
        f=$((f + 1))
    fi
    if [ "$status" -eq 0 ] && [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && [ "$s" -eq 0 ]; then
        echo "  $name: FAIL: ran no checks"
        f=1
    fi
    if [ "$f" -ne 0 ] && [ -s "$log_dir/err" ]; then
        sed -n '1,40p' "$log_dir/err" | sed "s|^|  $name (stderr): |"
    fi
    printf '%-44s %4d passed %3d failed %3d skipped\n' "$name" "$p" "$f" "$s"
    passed=$((passed + p))
    failed=$((failed + f))
    skipped=$((skipped + s))
}

for t in ${UNIT_TESTS:-}; do
    # libtool wrappers: run the real binary under valgrind.
    if [ -n "$valgrind_cmd" ]; then
        run "$t (valgrind)" "$top_builddir/libtool" --mode=execute $valgrind_cmd "$top_builddir/$t"
    else
        run "$t" "$top_builddir/$t"
    fi
done
for t in ${FUZZ_REPLAYERS:-}; do
    corpus="$top_srcdir/tests/fuzz/corpus/${t##*/replay_}"
    # what long fuzzing runs found (tests/fuzz/found/): each input fed once
    found="$top_srcdir/tests/fuzz/found/${t##*/replay_}"
    if [ -d "$found" ]; then set -- --whole "$found"; else set --; fi
    if [ -n "$valgrind_cmd" ]; then
        run "$t" "$top_builddir/libtool" --mode=execute $valgrind_cmd "$top_builddir/$t" "$corpus" "$@"
    else
        run "$t" "$top_builddir/$t" "$corpus" "$@"
    fi
done
# Script tests run the command; the valgrind build runs only the programs
# above (the scripts run in the gcc and sanitizer builds).
if [ -n "$valgrind_cmd" ]; then
    echo "(valgrind build: script tests run in the gcc and sanitizer builds)"
    SCRIPT_TESTS=""
fi
for t in ${SCRIPT_TESTS:-}; do
    case "$t" in
    tests/integration/* | tests/interop/* | *interop*)
        # make distcheck sets SECKIT_SKIP_SLOW: the server and peer tests have
        # already run in the main build; distcheck checks the packaging.
        if [ -n "${SECKIT_SKIP_SLOW:-}" ]; then
            if [ -z "${TESTS_FILTER:-}" ] || printf '%s\n' "$t" | grep -Eq "$TESTS_FILTER"; then
                echo "  $t: SKIP: SECKIT_SKIP_SLOW is set (make distcheck)"
                skipped=$((skipped + 1))
            fi
            continue
        fi
        ;;
    esac
    run "$t" sh "$top_srcdir/$t"
done

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]

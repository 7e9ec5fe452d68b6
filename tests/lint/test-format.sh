#!/bin/sh
# The C sources are exactly what clang-format writes with the project's
# .clang-format (4 spaces, Linux braces, '*' to the name, 100 columns).
# Left out: policy/checks.h (a hand-aligned table) and tests/fuzz/found/
# (inputs the fuzzers found, kept as found).  To format the tree:
#   clang-format -i $(sh tests/lint/test-format.sh --list)
# (run from the top of the source tree).
if [ "${1:-}" = --list ]; then
    cd "$(dirname "$0")/../.." || exit 1
    find src crypto policy include tests -name '*.[ch]' ! -path 'tests/fuzz/found/*' \
        ! -path 'policy/checks.h' | LC_ALL=C sort
    exit 0
fi
. "$top_srcdir/tests/lib.sh"
cd "$top_srcdir" || exit 1
CLANG_FORMAT=${CLANG_FORMAT:-clang-format}
if ! command -v "$CLANG_FORMAT" >/dev/null 2>&1; then
    skip c_sources_formatted "clang-format is not installed (./deps.sh --test installs it)"
    finish
fi
[ -f .clang-format ] || { fail c_sources_formatted "no .clang-format at the top of the tree"; finish; }
files=$(sh tests/lint/test-format.sh --list)
[ -n "$files" ] || { fail c_sources_formatted "no C files found"; finish; }
bad=
for f in $files; do
    "$CLANG_FORMAT" --style=file "$f" | cmp -s "$f" - || bad="$bad $f"
done
if [ -n "$bad" ]; then
    n=$(echo $bad | wc -w)
    fail c_sources_formatted "$n files differ from clang-format's output (first:$(echo $bad | cut -d' ' -f1-5)); run: clang-format -i \$(sh tests/lint/test-format.sh --list)"
else
    pass c_sources_formatted
fi
# The check sees a difference: a file clang-format would change is reported.
tmp=$(mktemp -d) || exit 1
printf 'int  f( void ){return 0;}\n' > "$tmp/x.c"
cp .clang-format "$tmp/.clang-format"
if (cd "$tmp" && "$CLANG_FORMAT" --style=file x.c | cmp -s x.c -); then
    fail format_check_sees_differences "an unformatted file passed"
else
    pass format_check_sees_differences
fi
rm -rf "$tmp"
finish

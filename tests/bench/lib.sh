# Sourced by the benchmark scripts in tests/bench/.
#
# seckit_binary PATH: sets SECKIT to the absolute path of the seckit to time.
# In a build folder ./seckit is libtool's wrapper script, whose own start-up
# (a shell) would be timed too, so the real binary beside it (.libs/seckit)
# is used, with its library on LD_LIBRARY_PATH.
seckit_binary() {
    SECKIT=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
    _bindir=$(dirname "$SECKIT")
    if [ -x "$_bindir/.libs/seckit" ] && head -c 2 "$SECKIT" | grep -q '#!'; then
        SECKIT="$_bindir/.libs/seckit"
        LD_LIBRARY_PATH="$_bindir/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
        export LD_LIBRARY_PATH
    fi
}

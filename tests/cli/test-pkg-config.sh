# The installed pkg-config file (seckit.pc, as configure made it): cJSON is
# private to the library, so `pkg-config --cflags seckit` must not put
# cJSON's include folder on the caller's path; static linking still gets
# -lcjson.  Runs pkg-config (or pkgconf) against the build tree's seckit.pc.
. "$top_srcdir/tests/lib.sh"
pc="$top_builddir/seckit.pc"
pkgconfig=""
for p in pkg-config pkgconf; do
    if command -v "$p" >/dev/null 2>&1; then pkgconfig=$p; break; fi
done
if [ -z "$pkgconfig" ]; then
    skip pkg_config "neither pkg-config nor pkgconf is installed"
    finish
fi
if [ ! -f "$pc" ]; then
    fail pkg_config_file "$pc was not made by configure"
    finish
fi
# The build tree's seckit.pc first; the system's files still answer for its
# Requires.private (libcrypto, libsodium, ...).
export PKG_CONFIG_PATH="$top_builddir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
cjson_inc=$("$pkgconfig" --cflags-only-I libcjson 2>/dev/null || true)

if "$pkgconfig" --exists seckit 2>"$ERR"; then
    pass pkg_config_found
else
    fail pkg_config_found "$pkgconfig does not read $pc: $(tr '\n' ' ' <"$ERR")"
    finish
fi

cflags=$("$pkgconfig" --cflags seckit 2>"$ERR")
case "$cflags" in
*cjson*|*cJSON*) fail pkg_config_cflags_no_cjson "--cflags names cJSON: $cflags" ;;
*) pass pkg_config_cflags_no_cjson ;;
esac
# The same with --static: Requires.private cflags are what leaked before.
scflags=$("$pkgconfig" --static --cflags seckit 2>"$ERR")
case "$scflags" in
*cjson*|*cJSON*) fail pkg_config_static_cflags_no_cjson "--static --cflags names cJSON: $scflags" ;;
*) pass pkg_config_static_cflags_no_cjson ;;
esac
# Near miss: the check above would see the leak (libcjson's own cflags name
# its folder on this system).
case "$cjson_inc" in
*cjson*) pass pkg_config_cjson_has_folder ;;
*) skip pkg_config_cjson_has_folder "libcjson's pkg-config file adds no cjson folder here" ;;
esac
# The caller's flags: the library's include folder, and -lseckit.
case "$cflags" in
*-I*include*) pass pkg_config_cflags_include ;;
*) fail pkg_config_cflags_include "no -I for seckit's headers: $cflags" ;;
esac
libs=$("$pkgconfig" --libs seckit 2>"$ERR")
case "$libs" in
*-lseckit*)
    case "$libs" in
    *-lcjson*) fail pkg_config_libs "a shared link must not name -lcjson: $libs" ;;
    *) pass pkg_config_libs ;;
    esac ;;
*) fail pkg_config_libs "--libs lacks -lseckit: $libs" ;;
esac
slibs=$("$pkgconfig" --static --libs seckit 2>"$ERR")
case "$slibs" in
*-lcjson*) pass pkg_config_static_libs_cjson ;;
*) fail pkg_config_static_libs_cjson "--static --libs lacks -lcjson: $slibs" ;;
esac
finish

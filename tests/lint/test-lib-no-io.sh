# Library code (crypto/, policy/, src/aws/, src/base/, src/io/) never prints,
# exits or aborts: it returns error codes.  Only src/cli/ talks to the user.
. "$top_srcdir/tests/lib.sh"
cd "$top_srcdir" || exit 1
pattern='\b(printf|fprintf|vfprintf|puts|fputs|putchar|perror|exit|_exit|abort|assert)[[:space:]]*\('
hits=$(grep -nE "$pattern" crypto/*.c policy/*.c src/aws/*.c src/base/*.c src/io/*.c 2>/dev/null |
    grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/\*|\*)' || true)
if [ -n "$hits" ]; then
    fail lib_never_prints_or_exits "$(echo "$hits" | head -5 | tr '\n' ' ')"
else
    pass lib_never_prints_or_exits
fi
# stdio streams are not touched either (snprintf into buffers is fine).
hits=$(grep -nE '\b(stdout|stderr|stdin)\b' crypto/*.c policy/*.c src/aws/*.c src/base/*.c src/io/*.c 2>/dev/null || true)
[ -n "$hits" ] && fail lib_no_stdio_streams "$(echo "$hits" | head -5 | tr '\n' ' ')" || pass lib_no_stdio_streams
# Layering: OpenSSL and libsodium only in crypto/ (and src/aws for SigV4
# hashing), except libsodium's guarded memory in src/base/secmem.c; libcurl
# only in src/aws/; the CLI uses only the public headers.
hits=$( (grep -lE '#include <(openssl|sodium)' policy/*.c src/cli/*.c src/io/*.c
         grep -lE '#include <openssl' src/base/*.c
         grep -lE '#include <sodium' src/base/*.c | grep -v '^src/base/secmem\.c$') 2>/dev/null || true)
[ -n "$hits" ] && fail layer_crypto_libs "$hits" || pass layer_crypto_libs
hits=$(grep -lE '#include <curl/' crypto/*.c policy/*.c src/cli/*.c src/base/*.c src/io/*.c 2>/dev/null || true)
[ -n "$hits" ] && fail layer_curl "$hits" || pass layer_curl
hits=$(grep -nE '#include "(crypto|policy|src/aws|src/base|src/io)/' src/cli/*.c src/cli/*.h 2>/dev/null || true)
[ -n "$hits" ] && fail cli_uses_public_api_only "$hits" || pass cli_uses_public_api_only
hits=$(grep -lE '#include "(src/aws|src/cli|policy)/' crypto/*.c crypto/*.h 2>/dev/null || true)
[ -n "$hits" ] && fail layer_crypto_below "$hits" || pass layer_crypto_below
hits=$(grep -lE '#include "(src/aws|src/cli|crypto)/' policy/*.c policy/*.h 2>/dev/null || true)
[ -n "$hits" ] && fail layer_policy_below "$hits" || pass layer_policy_below
finish

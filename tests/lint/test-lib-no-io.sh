# Library code (crypto/, policy/, src/aws/, src/base/, src/io/) never prints,
# exits or aborts: it returns error codes.  Only src/cli/ talks to the user.
# And every folder keeps to its row of the layering table in
# docs/ARCHITECTURE.md (layering_rules below is that table, row by row).
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

# layering_rules ROOT: print one line per #include that breaks the table, for
# the tree at ROOT.  Each row: the folder, the project folders whose internal
# headers it may include (public headers, seckit/*.h, are for everyone), and
# the outside libraries it may include.  Library names: openssl, sodium, curl,
# cjson, yaml.  libsodium in src/base/ is for its guarded memory only
# (src/base/secmem.c).
layering_rules() {
    (
        cd "$1" || exit 1
        rule() {
            dir=$1 internal=$2 libs=$3
            for f in "$dir"/*.c "$dir"/*.h; do
                [ -f "$f" ] || continue
                grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]' "$f" |
                    while IFS= read -r line; do
                        inc=$(printf '%s\n' "$line" | sed -E 's/^[0-9]+:[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]([^>"]*)[>"].*/\1/')
                        case $inc in
                        crypto/* | policy/* | src/*/*)
                            folder=${inc%/*}
                            case " $internal " in
                            *" $folder "*) ;;
                            *) echo "$f:${line%%:*}: $dir/ includes $inc (internal header of $folder/)" ;;
                            esac
                            ;;
                        openssl/*) lib=openssl ;;
                        sodium.h | sodium/*) lib=sodium ;;
                        curl/*) lib=curl ;;
                        cjson/*) lib=cjson ;;
                        yaml.h) lib=yaml ;;
                        *) continue ;;
                        esac
                        case $inc in crypto/* | policy/* | src/*/*) continue ;; esac
                        case " $libs " in
                        *" $lib "*) ;;
                        *" $lib:$f "*) ;;
                        *) echo "$f:${line%%:*}: $dir/ includes <$inc> ($lib is not for $dir/)" ;;
                        esac
                    done
            done
        }
        rule src/base "src/base" "sodium:src/base/secmem.c"
        rule src/io "src/base src/io" ""
        rule crypto "src/base crypto" "openssl sodium cjson"
        rule policy "src/base policy" "cjson yaml"
        rule src/aws "src/base src/io crypto policy src/aws" "openssl sodium curl cjson"
        rule src/cli "src/cli" "cjson"
    )
}

hits=$(layering_rules .)
[ -n "$hits" ] && fail layering_table "$(echo "$hits" | head -8 | tr '\n' ' ')" || pass layering_table

# The checker itself: a tree with one violation per kind is refused, and the
# same tree without them passes.
st="$TMP/layers"
mkdir -p "$st/src/base" "$st/src/io" "$st/crypto" "$st/policy" "$st/src/aws" "$st/src/cli"
printf '#include "src/base/guard.h"\n#include <sodium.h>\n' >"$st/src/base/secmem.c"
printf '#include "src/base/guard.h"\n#include <openssl/evp.h>\n#include <cjson/cJSON.h>\n' >"$st/crypto/ok.c"
printf '#include "src/base/buf.h"\n#include <yaml.h>\n#include <cjson/cJSON.h>\n' >"$st/policy/ok.c"
printf '#include "crypto/deps.h"\n#include <curl/curl.h>\n' >"$st/src/aws/ok.c"
printf '#include "seckit/seckit.h"\n#include "src/cli/cli.h"\n#include <cjson/cJSON.h>\n' >"$st/src/cli/ok.c"
if [ -n "$(layering_rules "$st")" ]; then
    fail layering_selftest_clean "$(layering_rules "$st" | head -3 | tr '\n' ' ')"
else
    pass layering_selftest_clean
fi
for bad in 'src/base/library.c:#include "crypto/deps.h"' 'src/base/buf.c:#include <sodium.h>' \
    'src/base/x.c:#include <cjson/cJSON.h>' 'src/io/file.c:#include "crypto/rsa_key.h"' \
    'src/io/file.c:#include <openssl/evp.h>' 'crypto/x.h:#include "src/aws/client.h"' \
    'crypto/x.c:#include <curl/curl.h>' 'crypto/x.c:#include "policy/internal.h"' \
    'policy/x.c:#include <openssl/evp.h>' 'policy/x.c:#include "crypto/deps.h"' \
    'src/aws/x.c:#include "src/cli/cli.h"' 'src/cli/x.c:#include "src/base/buf.h"' \
    'src/cli/x.c:#include <curl/curl.h>'; do
    n=$((${n:-0} + 1))
    file=${bad%%:*} text=${bad#*:}
    printf '%s\n' "$text" >>"$st/$file"
    if layering_rules "$st" | grep -qF "$file:"; then
        pass "layering_selftest_refuses_$n"
    else
        fail "layering_selftest_refuses_$n" "the checker let $file: $text through"
    fi
    rm -f "$st/$file"
done
finish

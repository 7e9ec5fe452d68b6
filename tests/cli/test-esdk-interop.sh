# Interop with the AWS Encryption SDK for JavaScript (@aws-crypto/client-node,
# pinned in tests/interop/package.json):
#  - fixed JS-made messages (tests/data/esdk-js/messages: every suite, raw RSA
#    with every padding, raw AES 128/192/256, frame lengths 1/512/4096) must
#    decrypt with seckit, and a damaged copy of each must not;
#  - live, when node and npm (or an installed node_modules) are available:
#    JS encrypts a fresh set that seckit decrypts, and JS decrypts messages
#    seckit encrypted (every suite and keyring, framed and non-framed).
. "$top_srcdir/tests/lib.sh"
cd "$TMP" || exit 1

data="$top_srcdir/tests/data/esdk-js"
mkdir keys && cp "$data"/keys/* keys/ && chmod 600 keys/*

keyspec() { # KIND PADDING
    case $1 in
    rsa) echo "--raw-rsa-key namespace=seckit-interop-rsa,name=rsa-2048,padding=$2,file=keys/rsa.pem" ;;
    aes*) echo "--raw-aes-key namespace=seckit-interop-aes,name=aes-${1#aes},file=keys/$1.key" ;;
    esac
}

# decrypt_dir DIR NAME [damage]: seckit decrypts every message in DIR's manifest.
decrypt_dir() {
    dir=$1 name=$2 damage=${3:-}
    n=0 bad=0 neg=0
    while read -r file kind padding policy ctx pt; do
        set -- $(keyspec "$kind" "$padding") --commitment-policy "$policy"
        [ "$ctx" != - ] && set -- "$@" --encryption-context "$ctx"
        if seckit esdk decrypt "$@" --in "$dir/$file" --out out 2>"$ERR" && cmp -s out "$dir/$pt"; then
            n=$((n + 1))
        else
            bad=$((bad + 1))
            [ $bad -le 3 ] && echo "  $file: $(head -c 200 "$ERR")"
            [ $bad -gt 20 ] && break
        fi
        rm -f out
        if [ -n "$damage" ]; then
            size=$(stat -c %s "$dir/$file")
            cp "$dir/$file" damaged
            pos=$(( (size * 7 + n) / 11 ))
            orig=$(od -A n -t u1 -j "$pos" -N 1 damaged | tr -d ' ')
            printf "\\$(printf %o $(( (orig ^ 4) & 255 )))" | dd of=damaged bs=1 seek="$pos" conv=notrunc 2>/dev/null
            seckit esdk decrypt "$@" --in damaged --out out2 >/dev/null 2>&1
            st=$?
            if [ $st -ne 4 ] || [ -e out2 ]; then
                bad=$((bad + 1))
                echo "  $file: damaged at byte $pos: exit $st"
            else
                neg=$((neg + 1))
            fi
            rm -f out2
        fi
    done <"$dir/manifest.txt"
    if [ $bad -eq 0 ] && [ $n -gt 0 ]; then
        pass "$name: $n messages decrypted${damage:+, $neg damaged copies refused}"
    else
        fail "$name" "$bad failures, $n decrypted"
    fi
}

decrypt_dir "$data/messages" esdk_js_fixed_vectors damage

# ---- live interop --------------------------------------------------------------
if ! command -v node >/dev/null 2>&1; then
    skip esdk_js_live "node is not installed"
    finish
fi
# deps.sh --test installs the peers into the source tree; else the build tree.
mods=${SECKIT_NODE_MODULES:-$top_srcdir/tests/interop/node_modules}
[ -d "$mods/@aws-crypto/client-node" ] || mods=${SECKIT_NODE_MODULES:-$top_builddir/tests/interop/node_modules}
if [ ! -d "$mods/@aws-crypto/client-node" ]; then
    if ! command -v npm >/dev/null 2>&1; then
        skip esdk_js_live "npm is not installed and $mods has no @aws-crypto/client-node"
        finish
    fi
    dest=$(dirname "$mods")
    mkdir -p "$dest" && cp "$top_srcdir/tests/interop/package.json" "$top_srcdir/tests/interop/package-lock.json" "$dest/"
    if ! (cd "$dest" && timeout 300 npm ci --no-audit --no-fund) >npm.log 2>&1; then
        skip esdk_js_live "npm ci failed (registry unreachable?): $(tail -2 npm.log | tr '\n' ' ' | head -c 200)"
        finish
    fi
fi
export NODE_PATH="$mods"
js="$top_srcdir/tests/interop/esdk-interop.js"

# JS -> seckit: a fresh set (3 frame lengths x 11 suites x 8 keyrings).
if node "$js" encrypt js keys full >js.log 2>&1; then
    decrypt_dir js esdk_js_live_js_to_seckit
else
    fail esdk_js_live_js_to_seckit "node encrypt failed: $(tail -3 js.log | tr '\n' ' ')"
fi

# seckit -> JS: every suite x keyring, framed (1, 4096) and non-framed (v1).
# Node refuses PKCS#1 v1.5 RSA decryption (CVE-2023-46809) unless reverted.
mkdir sk
i=0 encfail=0
: >sk/manifest.txt
head -c 3000 /dev/urandom >sk/pt-3000
for s in 0x0014 0x0046 0x0078 0x0114 0x0146 0x0178 0x0214 0x0346 0x0378 0x0478 0x0578; do
    pol=forbid-encrypt-allow-decrypt
    case $s in 0x04*|0x05*) pol=require-encrypt-allow-decrypt ;; esac
    for kp in rsa:pkcs1 rsa:oaep-sha1 rsa:oaep-sha256 rsa:oaep-sha384 rsa:oaep-sha512 aes128:- aes192:- aes256:-; do
        kind=${kp%%:*} padding=${kp#*:}
        for f in 0 1 4096; do
            case $s:$f in 0x04*:0|0x05*:0) continue ;; esac
            [ "$f" = 1 ] && [ $((i % 4)) -ne 0 ] && { i=$((i + 1)); continue; }
            file="sk-$s-$kind-$padding-f$f.esdk"
            set -- $(keyspec "$kind" "$padding")
            if seckit esdk encrypt "$@" --suite $s --frame-length $f --commitment-policy $pol \
                --encryption-context purpose=interop --in sk/pt-3000 --out "sk/$file" 2>"$ERR"; then
                echo "$file $kind $padding x purpose=interop pt-3000" >>sk/manifest.txt
            else
                encfail=$((encfail + 1))
                [ $encfail -le 3 ] && fail esdk_js_live_seckit_to_js "encrypt $file: $(cat "$ERR")"
            fi
            i=$((i + 1))
        done
    done
done
if node --security-revert=CVE-2023-46809 -e 0 >/dev/null 2>&1; then
    revert=--security-revert=CVE-2023-46809
else
    revert=
    grep -v ' pkcs1 ' sk/manifest.txt >sk/m && mv sk/m sk/manifest.txt
fi
count=$(wc -l <sk/manifest.txt)
if node $revert "$js" decrypt sk keys >sk.log 2>&1; then
    pass "esdk_js_live_seckit_to_js: $count messages decrypted by the JavaScript ESDK${revert:+ (PKCS#1 with --security-revert)}"
else
    fail esdk_js_live_seckit_to_js "$(grep -E 'FAIL|failed|Error' sk.log | head -3 | tr '\n' ' ')"
fi
finish

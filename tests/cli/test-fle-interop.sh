# Live FLE interop with the AWS Encryption SDK for JavaScript, when node and
# @aws-crypto/client-node are there (tests/cli/test-esdk-interop.sh installs
# them into $top_builddir/tests/interop/node_modules from the pinned lock
# file; SECKIT_NODE_MODULES overrides).  Otherwise it skips; the committed
# fixture tests/interop/fle/js-form.txt is decrypted by test_fle_crypt anyway.
#  - a field seckit encrypted as CloudFront does decrypts with the JS ESDK,
#    which reports suite 0x0178 (376), no context, one EDK FLEDemo/DemoPublicKey;
#  - a fresh field the JS ESDK encrypted decrypts with seckit inside a form.
. "$top_srcdir/tests/lib.sh"
cd "$TMP" || exit 1
js="$top_srcdir/tests/interop/fle/js-check.js"
# deps.sh --test installs the peers into the source tree; else the build tree.
mods=${SECKIT_NODE_MODULES:-$top_srcdir/tests/interop/node_modules}
[ -d "$mods/@aws-crypto/client-node" ] || mods=${SECKIT_NODE_MODULES:-$top_builddir/tests/interop/node_modules}
if ! command -v node >/dev/null 2>&1; then
    skip fle_js_live "node is not installed"
    finish
fi
if [ ! -d "$mods/@aws-crypto/client-node" ]; then
    skip fle_js_live "no @aws-crypto/client-node in $mods (tests/cli/test-esdk-interop.sh installs it)"
    finish
fi
export NODE_PATH="$mods"
seckit keygen rsa --out priv.pem --public-out pub.pem >/dev/null 2>&1 || { fail fle_js_live "keygen"; finish; }

printf 'Name=Jane+Doe&Phone=404-555-0150\n' >form.txt
if seckit fle encrypt --public-key pub.pem --provider FLEDemo --key-name DemoPublicKey --field Phone \
    --in form.txt >enc.txt 2>"$ERR"; then
    sed 's/.*Phone=//; s/%2B/+/g; s/%2F/\//g; s/%3D/=/g' enc.txt >value.txt
    if node "$js" decrypt priv.pem value.txt >js.out 2>js.err; then
        if [ "$(cat js.out)" = "404-555-0150 376 0 FLEDemo/DemoPublicKey 1 4096" ]; then
            pass fle_seckit_to_js
        else
            fail fle_seckit_to_js "JS ESDK reports: $(cat js.out)"
        fi
    else
        fail fle_seckit_to_js "JS ESDK could not decrypt: $(head -c 300 js.err)"
    fi
else
    fail fle_seckit_to_js "seckit fle encrypt: $(cat "$ERR")"
fi

if v=$(node "$js" encrypt pub.pem '404-555-0150' 2>js.err); then
    printf 'Name=Jane+Doe&Phone=%s\n' "$v" >jsform.txt # '=' and '+' left raw on purpose
    if seckit fle decrypt --field Phone --raw-rsa-key namespace=FLEDemo,name=DemoPublicKey,file=priv.pem \
        --in jsform.txt >"$OUT" 2>"$ERR" && cmp -s "$OUT" form.txt; then
        pass fle_js_to_seckit
    else
        fail fle_js_to_seckit "$(cat "$ERR")"
    fi
else
    fail fle_js_to_seckit "JS ESDK could not encrypt: $(head -c 300 js.err)"
fi
finish

# seckit keygen rsa
. "$top_srcdir/tests/lib.sh"
cd "$TMP" || exit 1

if check keygen_writes_pair 0 keygen rsa --out k.pem --public-out k.pub; then
    mode=$(stat -c %a k.pem)
    if [ "$mode" != 600 ]; then
        fail keygen_writes_pair "private key mode $mode, expected 600"
    elif ! openssl pkey -in k.pem -check -noout >/dev/null 2>&1; then
        fail keygen_writes_pair "openssl pkey -check rejects k.pem"
    elif ! head -1 k.pem | grep -q 'BEGIN PRIVATE KEY'; then
        fail keygen_writes_pair "k.pem is not PKCS#8"
    elif [ "$(openssl pkey -in k.pem -pubout 2>/dev/null)" != "$(cat k.pub)" ]; then
        fail keygen_writes_pair "k.pub does not match k.pem"
    elif ! openssl pkey -in k.pem -text -noout 2>/dev/null | grep -q '2048 bit'; then
        fail keygen_writes_pair "default size is not 2048 bits"
    else
        pass keygen_writes_pair
    fi
fi

# A loose umask must not loosen the private key's mode.
if (umask 000 && seckit keygen rsa --out loose.pem --public-out loose.pub >"$OUT" 2>"$ERR") &&
    [ "$(stat -c %a loose.pem)" = 600 ]; then
    pass keygen_mode_ignores_umask
else
    fail keygen_mode_ignores_umask "mode $(stat -c %a loose.pem 2>/dev/null)"
fi

before=$(sha256sum k.pem)
if check keygen_refuses_overwrite 5 keygen rsa --out k.pem --public-out new.pub; then
    if [ "$(sha256sum k.pem)" != "$before" ] || [ -e new.pub ]; then
        fail keygen_refuses_overwrite "a file was written"
    elif ! grep -q -- '--force' "$ERR"; then
        fail keygen_refuses_overwrite "message does not mention --force"
    else
        one_line keygen_refuses_overwrite && pass keygen_refuses_overwrite
    fi
fi
# The public key already existing also stops the private key from being written.
touch exists.pub
if check keygen_checks_both_outputs 5 keygen rsa --out fresh.pem --public-out exists.pub; then
    [ -e fresh.pem ] && fail keygen_checks_both_outputs "fresh.pem was written" ||
        pass keygen_checks_both_outputs
fi

if check keygen_force 0 keygen rsa --bits 3072 --out k.pem --public-out k.pub --force; then
    if openssl pkey -in k.pem -text -noout 2>/dev/null | grep -q '3072 bit'; then
        pass keygen_force
    else
        fail keygen_force "key was not replaced by a 3072-bit key"
    fi
fi

if check keygen_public_to_stdout 0 keygen rsa --out s.pem; then
    if grep -q 'BEGIN PUBLIC KEY' "$OUT" && [ "$(openssl pkey -in s.pem -pubout)" = "$(cat "$OUT")" ]; then
        pass keygen_public_to_stdout
    else
        fail keygen_public_to_stdout "stdout is not the matching public key"
    fi
fi

# Usage errors: one line, exit 2, nothing written.
for args in "keygen" "keygen dsa --out x.pem" "keygen rsa" "keygen rsa --bits 1024 --out x.pem" \
    "keygen rsa --bits abc --out x.pem" "keygen rsa --out" "keygen rsa --bogus --out x.pem" \
    "keygen rsa --out x.pem extra" "keygen rsa --out x.pem --public-out x.pem"; do
    name="keygen_usage_error[$args]"
    # shellcheck disable=SC2086
    if check "$name" 2 $args && one_line "$name"; then
        [ -e x.pem ] && fail "$name" "x.pem was written" || pass "$name"
    fi
done

if check keygen_unwritable_dir 5 keygen rsa --out /nonexistent/k.pem; then
    one_line keygen_unwritable_dir && pass keygen_unwritable_dir
fi
finish

# Standard input, read by one reader (cli_read_stdin) in every command that
# takes a whole body or document there: exactly the limit is read, one byte
# more is refused with "standard input: more than N bytes" (fle 1 MiB + 2,
# policy lint and emrfs 64 MiB), and a read error names its reason.  Exit
# codes per seckit(1) (3 input, 5 I/O; policy lint's own: 1 the tool failed).
. "$top_srcdir/tests/lib.sh"
cd "$TMP" || exit 1

seckit keygen rsa --out priv.pem --public-out pub.pem >/dev/null 2>&1 || { fail setup "keygen"; finish; }
KEY=namespace=FLEDemo,name=DemoPublicKey,file=priv.pem
inst=arn:aws:iam::111122223333:role/EMR_EC2_Role
# bytes N: N bytes of 'A' on stdout; spaces N: N spaces.
bytes() { head -c "$1" /dev/zero | tr '\0' A; }
spaces() { head -c "$1" /dev/zero | tr '\0' ' '; }
# expect_not NAME STATUS PATTERN ARGS...: exit STATUS, and stderr must NOT
# match PATTERN (the near miss: the input was read, and judged later).
expect_not() {
    rn=$1 rs=$2 rp=$3
    shift 3
    check "$rn" "$rs" "$@" || return 1
    if grep -Eq -- "$rp" "$ERR"; then
        fail "$rn" "stderr matches '$rp': $(head -c 300 "$ERR" | tr '\n' ' ')"
    else
        pass "$rn"
    fi
}

# ---- fle: a body or value of at most SECKIT_FLE_MAX_BODY + 2 bytes (1048578)
bytes 1048579 >over.txt
bytes 1048578 >exact.txt
check_stderr fle_value_over 3 '^seckit: fle: standard input: more than 1048578 bytes$' \
    fle decrypt-value --raw-rsa-key "$KEY" <over.txt && one_line fle_value_over
expect_not fle_value_exact 3 'standard input' fle decrypt-value --raw-rsa-key "$KEY" <exact.txt
check_stderr fle_encrypt_over 3 '^seckit: fle: standard input: more than 1048578 bytes$' \
    fle encrypt --public-key pub.pem --provider FLEDemo --key-name DemoPublicKey --field F <over.txt
check_stderr fle_decrypt_over 3 '^seckit: fle: standard input: more than 1048578 bytes$' \
    fle decrypt --field F --raw-rsa-key "$KEY" <over.txt
# A small body still goes through (read to its end, newline kept).
printf 'A=1&B=2\n' >small.txt
if check fle_small 0 fle encrypt --public-key pub.pem --provider FLEDemo --key-name DemoPublicKey \
    --field F <small.txt; then
    if cmp -s "$OUT" small.txt; then pass fle_small; else fail fle_small "output differs"; fi
fi
# Empty standard input is a body of 0 bytes, not an error.
check fle_empty 0 fle encrypt --public-key pub.pem --provider FLEDemo --key-name DemoPublicKey \
    --field F </dev/null && [ ! -s "$OUT" ] && pass fle_empty

# ---- a read error (a folder as standard input: read(2) says EISDIR)
if (cat </ >/dev/null 2>&1); then
    skip stdin_read_error "this system reads folders"
else
    check_stderr fle_read_error 5 '^seckit: fle: standard input: read error: ' \
        fle decrypt-value --raw-rsa-key "$KEY" </ && one_line fle_read_error
    check_stderr policy_read_error 1 '^seckit: policy: standard input: read error: ' policy lint - </
    check_stderr emrfs_read_error 5 '^seckit: emrfs: standard input: read error: ' \
        emrfs resolve --security-configuration - --instance-role $inst --user u s3://b/ </
fi

# ---- policy lint - and emrfs --security-configuration -: 64 MiB
# (67108864 bytes; exactly that many is read, and then judged by the JSON
# reader: until the readers were one, exactly 64 MiB was refused on stdin
# but not in a file).
spaces 67108865 >over64
spaces 67108864 >exact64
check_stderr policy_over 1 '^seckit: policy: standard input: more than 67108864 bytes$' policy lint - <over64
expect_not policy_exact 1 'standard input' policy lint - <exact64 &&
    grep -q 'exceeds the' "$ERR" || fail policy_exact_judged "$(head -c 300 "$ERR")"
check_stderr emrfs_over 3 '^seckit: emrfs: standard input: more than 67108864 bytes$' \
    emrfs resolve --security-configuration - --instance-role $inst --user u s3://b/ <over64
expect_not emrfs_exact 3 'standard input' \
    emrfs resolve --security-configuration - --instance-role $inst --user u s3://b/ <exact64 &&
    grep -q 'empty document' "$ERR" || fail emrfs_exact_judged "$(head -c 300 "$ERR")"
rm -f over64 exact64
finish

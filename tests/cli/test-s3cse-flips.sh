# seckit s3 decrypt, every single-bit flip (issue 10): in the body, the GCM
# tag, the IV (V2 x-amz-iv) or Message ID (V3 x-amz-i), the commitment
# (x-amz-d) and the wrapped data key (x-amz-3 / x-amz-key-v2, every byte) of a small V3
# and V2 object fails with exit status 4 and writes nothing (no destination,
# no temporary file).  The library-level tamper tests are in test_s3cse.c.
. "$top_srcdir/tests/lib.sh"
cd "$TMP" || exit 1
if ! command -v python3 >/dev/null 2>&1; then
    skip s3cse_flips "no python3 to flip the bits"
    finish
fi
head -c 32 /dev/urandom >k.key && chmod 600 k.key
printf 'abc' >pt
ok=1
seckit s3 encrypt --raw-aes-key file=k.key --in pt --out v3.body --metadata-out v3.json 2>"$ERR" || ok=0
seckit s3 encrypt --raw-aes-key file=k.key --commitment-policy forbid-encrypt-allow-decrypt --in pt \
    --out v2.body --metadata-out v2.json 2>>"$ERR" || ok=0
if [ $ok = 0 ]; then
    fail s3cse_flips_setup "$(head -c 300 "$ERR")"
    finish
fi
# The wrapped data keys (60 bytes, AES-GCM-wrapped: any flip fails the wrap's
# tag) get one bit per byte, the bit position cycling; the library test flips
# theirs exhaustively.  With a wrapper (valgrind), bit 0 of every fourth byte.
python3 - "$SECKIT" "${SECKIT_WRAPPER:-}" <<'PY'
import base64, json, os, subprocess, sys
seckit, wrapper = sys.argv[1], sys.argv[2].split()
stride, bits = (4, [0]) if wrapper else (1, range(8))
allow = ["--commitment-policy", "require-encrypt-allow-decrypt"]

def run(name, body, meta, want=4):
    open("f.body", "wb").write(body)
    json.dump(meta, open("f.json", "w"))
    p = subprocess.run(wrapper + [seckit, "s3", "decrypt", "--raw-aes-key", "file=k.key"] + allow +
                       ["--in", "f.body", "--metadata", "f.json", "--out", "f.out"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    left = [f for f in os.listdir(".") if f.startswith("f.out")]
    if p.returncode != want or (left != [] if want else left != ["f.out"]):
        return "%s: exit %d, left %s: %s" % (name, p.returncode, left,
                                             p.stderr.decode(errors="replace")[:200])
    return None

def flips(data, every=True):
    for i in range(0, len(data), stride):
        for b in (bits if every else [i % 8]):
            d = bytearray(data)
            d[i] ^= 1 << b
            yield "byte %d bit %d" % (i, b), bytes(d)

for v, fields in (("v3", ["x-amz-i", "x-amz-d", "x-amz-3"]), ("v2", ["x-amz-iv", "x-amz-key-v2"])):
    body = open(v + ".body", "rb").read()
    meta = json.load(open(v + ".json"))
    # unmodified: decrypts (else every flip below would pass for nothing)
    if run("unmodified", body, meta, 0) is not None:
        print("FAIL %s_flips_baseline: the unmodified object does not decrypt" % v)
        continue
    os.remove("f.out")
    groups = [("body", None), ("tag", None)] + [(f, f) for f in fields]
    for label, field in groups:
        bad, n = None, 0
        if field is None:
            lo, hi = (0, len(body) - 16) if label == "body" else (len(body) - 16, len(body))
            for what, d in flips(body[lo:hi]):
                n += 1
                bad = bad or run(what, body[:lo] + d + body[hi:], meta)
        else:
            raw = base64.b64decode(meta[field])
            for what, d in flips(raw, field not in ("x-amz-3", "x-amz-key-v2")):
                m = dict(meta)
                m[field] = base64.b64encode(d).decode()
                n += 1
                bad = bad or run(what, body, m)
        name = "%s_flips_%s" % (v, label.replace("x-amz-", "").replace("-", "_"))
        print("FAIL %s: %s" % (name, bad) if bad else "PASS %s" % name)
        if n == 0:
            print("FAIL %s: nothing flipped" % name)
PY
finish

# Out-parameters first: every function the public headers declare takes
# its outputs before its inputs, seckit_error * last (the object a call
# acts on, when there is one, before both): (object, out..., in..., err).
# tests/lint/out-first.py says what counts as an output and an input.
# The rule bites: a sample header with one output after an input is
# reported, and its near misses (a buffer's size after it, a const array of
# pointers, the object first) are not.
. "$top_srcdir/tests/lib.sh"
if ! command -v python3 >/dev/null 2>&1; then
    skip out_first "python3 is not installed"
    finish
fi
lint="$top_srcdir/tests/lint/out-first.py"
if ! python3 "$lint" "$top_srcdir/include/seckit" >"$OUT" 2>"$ERR"; then
    fail out_first_runs "$(head -c 300 "$ERR" | tr '\n' ' ')"
    finish
fi
n=$(tail -1 "$ERR")
if [ "${n:-0}" -lt 300 ]; then
    fail out_first_public_headers "read only ${n:-0} declarations in include/seckit"
elif [ -s "$OUT" ]; then
    fail out_first_public_headers "outputs after inputs: $(head -c 600 "$OUT" | tr '\n' ';')"
else
    pass "out_first_public_headers ($n)"
fi
mkdir "$TMP/inc"
cat >"$TMP/inc/sample.h" <<'H'
/* seckit_sample_comment(const char *s, int *out) is in a comment: not read */
typedef int (*seckit_sample_fn)(const char *s, int *out);
int seckit_sample_bad(const char *s, seckit_sample *out, seckit_error *err);
int seckit_sample_parse(seckit_sample *out, const char *s, seckit_error *err);
int seckit_sample_encode(char *out, size_t out_cap, size_t *out_len, const void *in, size_t len,
                         seckit_error *err);
int seckit_sample_send(seckit_aws *aws, seckit_sample_result *res, const seckit_sample_req *req,
                       const char *const *fields, size_t n, seckit_error *err);
int seckit_sample_len(const seckit_sample *s);
H
if ! python3 "$lint" "$TMP/inc" >"$OUT" 2>"$ERR"; then
    fail out_first_sample_runs "$(head -c 300 "$ERR" | tr '\n' ' ')"
    finish
fi
got=$(cat "$OUT")
want='sample.h seckit_sample_bad: seckit_sample *out after const char *s'
if [ "$got" = "$want" ] && [ "$(tail -1 "$ERR")" = 5 ]; then
    pass out_first_detects_output_after_input
else
    fail out_first_detects_output_after_input "the sample gave '$got' ($(tail -1 "$ERR") declarations), expected '$want' (5)"
fi
# Near miss turned violation: the result after the request is reported.
sed 's/seckit_sample_result \*res, const seckit_sample_req \*req/const seckit_sample_req *req, seckit_sample_result *res/' \
    "$TMP/inc/sample.h" >"$TMP/inc/sample.h.new" && mv "$TMP/inc/sample.h.new" "$TMP/inc/sample.h"
python3 "$lint" "$TMP/inc" >"$OUT" 2>"$ERR"
if grep -q '^sample.h seckit_sample_send: seckit_sample_result \*res after const seckit_sample_req \*req$' "$OUT" &&
    [ "$(wc -l <"$OUT")" -eq 2 ]; then
    pass out_first_detects_result_after_request
else
    fail out_first_detects_result_after_request "gave: $(tr '\n' ';' <"$OUT")"
fi
finish

/* libFuzzer target: base64 decoding (strict, lenient, all variants) and the
 * bounds-checked reader on a small length-prefixed record format.
 * Properties: no crash or leak; strict decodes re-encode to the same text;
 * the streaming lenient decoder agrees with the one-shot one;
 * the reader never moves past the end. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "src/base/buf.h"
#include "seckit/encoding.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_base64(const uint8_t *data, size_t size)
{
    seckit_error err;
    size_t cap = seckit_base64_decoded_max(size);
    uint8_t *out = malloc(cap + 1);
    if (out == NULL)
        return;
    for (int v = 0; v < 3; v++) {
        size_t n;
        if (seckit_base64_decode(out, cap, &n, (const char *)data, size, v, &err) == 0) {
            size_t ecap = seckit_base64_encoded_len(n, v);
            char *enc = malloc(ecap);
            size_t m;
            if (enc == NULL)
                break;
            if (seckit_base64_encode(enc, ecap, &m, out, n, v, &err) != 0 || m != size ||
                memcmp(enc, data, size) != 0)
                abort(); /* strict decoding must be canonical */
            free(enc);
        }
    }
    size_t n = 0;
    int rc = seckit_base64_decode_lenient(out, cap, &n, (const char *)data, size, &err);
    /* The streaming decoder, fed in two pieces cut where the first byte
     * says, must agree with the one-shot decoder. */
    size_t cut = size > 0 ? data[0] % (size + 1) : 0, o = 0, got = 0;
    uint8_t *sout = malloc(cap + 3);
    seckit_base64_decoder d;
    seckit_error serr;
    if (sout == NULL) {
        free(out);
        return;
    }
    seckit_base64_decoder_init(&d);
    int src = seckit_base64_decoder_update(&d, sout, seckit_base64_decoded_max(cut), &got,
                                           (const char *)data, cut, &serr);
    o = got;
    if (src == 0) {
        src = seckit_base64_decoder_update(&d, sout + o, seckit_base64_decoded_max(size - cut),
                                           &got, (const char *)data + cut, size - cut, &serr);
        o += got;
    }
    if (src == 0) {
        src = seckit_base64_decoder_finish(&d, sout + o, 2, &got, &serr);
        o += got;
    }
    if (src != rc || (rc == 0 && (o != n || memcmp(sout, out, n) != 0)) ||
        (rc != 0 && strcmp(serr.message, err.message) != 0))
        abort();
    free(sout);
    free(out);
}

static void check_reader(const uint8_t *data, size_t size)
{
    skt_reader r;
    seckit_error err;
    uint8_t count = 0;
    skt_reader_init(&r, data, size);
    if (skt_reader_u8(&r, &count, "count", &err) != 0)
        return;
    for (unsigned i = 0; i < count; i++) {
        const uint8_t *p;
        size_t n;
        uint32_t v32;
        uint64_t v64;
        if (skt_reader_lp16(&r, 64, &p, &n, "field", &err) != 0)
            break;
        if (n > 0 && (p < data || p + n > data + size))
            abort();
        if (skt_reader_u32(&r, &v32, "u32", &err) != 0 ||
            skt_reader_u64(&r, &v64, "u64", &err) != 0)
            break;
    }
    if (r.pos > r.len)
        abort();
    (void)skt_reader_expect_end(&r, "record", &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_base64(data, size);
    check_reader(data, size);
    return 0;
}

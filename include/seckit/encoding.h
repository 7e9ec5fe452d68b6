/* seckit/encoding.h - base64 (standard and URL-safe) and hex. */
#ifndef SECKIT_ENCODING_H
#define SECKIT_ENCODING_H

#include <stddef.h>
#include <stdint.h>

#include "seckit/export.h"
#include "seckit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum seckit_base64_variant {
    SECKIT_BASE64_STANDARD = 0, /* RFC 4648 section 4: + / with = padding */
    SECKIT_BASE64_URLSAFE = 1,  /* RFC 4648 section 5: - _ with = padding */
    SECKIT_BASE64_URLSAFE_NOPAD = 2
} seckit_base64_variant;

/* Length of the encoding of n bytes, including the terminating NUL. */
SECKIT_EXPORT size_t seckit_base64_encoded_len(size_t n, seckit_base64_variant v);
/* Upper bound on the decoded length of an n-character encoding. */
SECKIT_EXPORT size_t seckit_base64_decoded_max(size_t n);

/* Encode into out (out_cap >= seckit_base64_encoded_len); NUL-terminates.
 * *out_len (may be NULL) receives the length without the NUL. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_base64_encode(char *out, size_t out_cap, size_t *out_len,
                                                         const void *in, size_t in_len,
                                                         seckit_base64_variant v,
                                                         seckit_error *err);

/* Strict decode: only the variant's alphabet, padding exactly as the variant
 * says, no whitespace, unused trailing bits zero.  Errors give the offset. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_base64_decode(uint8_t *out, size_t out_cap,
                                                         size_t *out_len, const char *in,
                                                         size_t in_len, seckit_base64_variant v,
                                                         seckit_error *err);

/* Lenient decode: accepts either alphabet (even mixed), missing or present
 * padding, and ignores ASCII whitespace; still refuses other characters,
 * padding in the middle and impossible lengths. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_base64_decode_lenient(uint8_t *out, size_t out_cap,
                                                                 size_t *out_len, const char *in,
                                                                 size_t in_len, seckit_error *err);

/* Lenient decoding of input that arrives in pieces (same rules as
 * seckit_base64_decode_lenient, same result as decoding the pieces joined):
 * init, update with each piece, then finish.  Each call's output is
 * separate: update needs out_cap >= seckit_base64_decoded_max(in_len),
 * finish at most 2 bytes.  Errors give the offset in the whole input.
 * The fields are private. */
typedef struct seckit_base64_decoder {
    uint32_t acc_;
    size_t nchars_, pads_, first_pad_, offset_;
} seckit_base64_decoder;

SECKIT_EXPORT void seckit_base64_decoder_init(seckit_base64_decoder *d);
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_base64_decoder_update(seckit_base64_decoder *d,
                                                                 uint8_t *out, size_t out_cap,
                                                                 size_t *out_len, const char *in,
                                                                 size_t in_len, seckit_error *err);
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_base64_decoder_finish(seckit_base64_decoder *d,
                                                                 uint8_t *out, size_t out_cap,
                                                                 size_t *out_len,
                                                                 seckit_error *err);

/* Lower-case hex; out_cap >= 2 * in_len + 1; NUL-terminates. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_hex_encode(char *out, size_t out_cap, const void *in,
                                                      size_t in_len, seckit_error *err);
/* Either case; in_len must be even. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_hex_decode(uint8_t *out, size_t out_cap, size_t *out_len,
                                                      const char *in, size_t in_len,
                                                      seckit_error *err);

#ifdef __cplusplus
}
#endif
#endif

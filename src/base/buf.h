/* Internal: the one bounds-checked reader for untrusted bytes, and a growable
 * writer with a hard size limit.  Not installed.
 *
 * Reader functions never read past the end: on a short input they return
 * SECKIT_ETRUNCATED and leave the cursor where it was.  Every message names
 * the field being read (the `what` argument), so an error says where parsing
 * stopped ("header: encrypted data key 2 provider info: input ends early").
 */
#ifndef SECKIT_CRYPTO_BUF_H
#define SECKIT_CRYPTO_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "seckit/error.h"

typedef struct skt_reader {
    const uint8_t *data;
    size_t len; /* total length */
    size_t pos; /* cursor; pos <= len always */
} skt_reader;

void skt_reader_init(skt_reader *r, const void *data, size_t len);
size_t skt_reader_remaining(const skt_reader *r);
/* Pointer to the unread bytes (valid while the underlying data is). */
const uint8_t *skt_reader_cursor(const skt_reader *r);

int skt_reader_u8(skt_reader *r, uint8_t *out, const char *what, seckit_error *err);
int skt_reader_u16(skt_reader *r, uint16_t *out, const char *what, seckit_error *err);
int skt_reader_u32(skt_reader *r, uint32_t *out, const char *what, seckit_error *err);
int skt_reader_u64(skt_reader *r, uint64_t *out, const char *what, seckit_error *err);
/* Copy n bytes out. */
int skt_reader_copy(skt_reader *r, void *out, size_t n, const char *what, seckit_error *err);
/* Borrow n bytes (pointer into the input) and advance. */
int skt_reader_take(skt_reader *r, size_t n, const uint8_t **out, const char *what,
                    seckit_error *err);
int skt_reader_skip(skt_reader *r, size_t n, const char *what, seckit_error *err);
/* A field prefixed by a big-endian u16 length; refuses lengths > max
 * (SECKIT_ELIMIT) before touching the bytes. */
int skt_reader_lp16(skt_reader *r, size_t max, const uint8_t **out, size_t *out_len,
                    const char *what, seckit_error *err);
/* SECKIT_EFORMAT unless every byte has been consumed. */
int skt_reader_expect_end(const skt_reader *r, const char *what, seckit_error *err);

/* Growable writer.  `limit` is a hard cap on its length (SECKIT_ELIMIT past
 * it).  A writer made with skt_writer_init_secret() wipes every buffer it
 * frees or outgrows with sodium_memzero. */
typedef struct skt_writer {
    uint8_t *data;
    size_t len;
    size_t cap;
    size_t limit;
    int secret;
} skt_writer;

void skt_writer_init(skt_writer *w, size_t limit);
void skt_writer_init_secret(skt_writer *w, size_t limit);
int skt_writer_reserve(skt_writer *w, size_t extra, seckit_error *err);
int skt_writer_put(skt_writer *w, const void *p, size_t n, seckit_error *err);
int skt_writer_u8(skt_writer *w, uint8_t v, seckit_error *err);
int skt_writer_u16(skt_writer *w, uint16_t v, seckit_error *err);
int skt_writer_u32(skt_writer *w, uint32_t v, seckit_error *err);
int skt_writer_u64(skt_writer *w, uint64_t v, seckit_error *err);
/* u16 length then the bytes; SECKIT_ELIMIT when n > 0xFFFF. */
int skt_writer_lp16(skt_writer *w, const void *p, size_t n, seckit_error *err);
int skt_writer_str(skt_writer *w, const char *s, seckit_error *err);
/* Append a NUL that is not counted in len (for text). */
int skt_writer_terminate(skt_writer *w, seckit_error *err);
/* Hand the buffer to the caller (who frees it with free(), or skt_secret_wipe
 * + free for a secret writer); the writer is left empty. */
uint8_t *skt_writer_steal(skt_writer *w, size_t *len);
void skt_writer_reset(skt_writer *w); /* len = 0, keeps (and wipes if secret) memory */
void skt_writer_free(skt_writer *w);

#endif

/* The bounds-checked reader (on every truncation) and the limited writer. */
#include "config.h"

#include "src/base/buf.h"
#include "testlib.h"

/* A small record: u8 version, u16 count, count x (lp16 name, u32 value), u64 tail. */
static const uint8_t record[] = {
    0x02, 0x00, 0x02, 0x00, 0x03, 'a',  'b',  'c',  0x00, 0x00, 0x01, 0x00, 0x00,
    0x00, 0xff, 0xff, 0xff, 0xff, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
};

static int parse_record(const uint8_t *p, size_t n, uint64_t *tail, seckit_error *err)
{
    skt_reader r;
    uint8_t version;
    uint16_t count;
    skt_reader_init(&r, p, n);
    int rc = skt_reader_u8(&r, &version, "version", err);
    if (rc == 0)
        rc = skt_reader_u16(&r, &count, "count", err);
    for (uint16_t i = 0; rc == 0 && i < count; i++) {
        const uint8_t *name;
        size_t name_len;
        uint32_t value;
        rc = skt_reader_lp16(&r, 16, &name, &name_len, "name", err);
        if (rc == 0)
            rc = skt_reader_u32(&r, &value, "value", err);
    }
    if (rc == 0)
        rc = skt_reader_u64(&r, tail, "tail", err);
    if (rc == 0)
        rc = skt_reader_expect_end(&r, "record", err);
    return rc;
}

static void test_reader_parses_record(void)
{
    seckit_error err;
    uint64_t tail = 0;
    CHECK_OK(parse_record(record, sizeof(record), &tail, &err), &err);
    CHECK(tail == 0x0102030405060708ull);
}

static void test_reader_every_truncation(void)
{
    seckit_error err;
    uint64_t tail;
    for (size_t n = 0; n < sizeof(record); n++) {
        /* A fresh heap copy of exactly n bytes, so ASan/valgrind catch overreads. */
        uint8_t *copy = malloc(n ? n : 1);
        memcpy(copy, record, n);
        int rc = parse_record(copy, n, &tail, &err);
        CHECK_MSG(rc == SECKIT_ETRUNCATED, "length %zu: rc %d", n, rc);
        free(copy);
    }
}

static void test_reader_trailing_bytes(void)
{
    seckit_error err;
    uint64_t tail;
    uint8_t longer[sizeof(record) + 1];
    memcpy(longer, record, sizeof(record));
    longer[sizeof(record)] = 0;
    CHECK_RC(parse_record(longer, sizeof(longer), &tail, &err), SECKIT_EFORMAT);
    CHECK(strstr(err.message, "trailing") != NULL);
}

static void test_reader_limit_before_reading(void)
{
    /* A length prefix over the limit is refused even when the bytes are absent. */
    static const uint8_t p[] = {0xff, 0xff, 'x'};
    skt_reader r;
    seckit_error err;
    const uint8_t *out;
    size_t len;
    skt_reader_init(&r, p, sizeof(p));
    CHECK_RC(skt_reader_lp16(&r, 100, &out, &len, "blob", &err), SECKIT_ELIMIT);
    CHECK(r.pos == 0);
    CHECK(strstr(err.message, "blob") != NULL);
}

static void test_reader_cursor_unchanged_on_failure(void)
{
    static const uint8_t p[] = {0x00, 0x05, 'a', 'b'};
    skt_reader r;
    seckit_error err;
    const uint8_t *out;
    size_t len;
    uint32_t v;
    skt_reader_init(&r, p, sizeof(p));
    CHECK_RC(skt_reader_lp16(&r, 100, &out, &len, "f", &err), SECKIT_ETRUNCATED);
    CHECK(r.pos == 0);
    CHECK_RC(skt_reader_u32(&r, &v, "v", &err), 0);
    CHECK(v == 0x00056162);
    CHECK_RC(skt_reader_u8(&r, (uint8_t *)&v, "v", &err), SECKIT_ETRUNCATED);
    CHECK(skt_reader_remaining(&r) == 0);
}

static void test_reader_null_empty(void)
{
    skt_reader r;
    seckit_error err;
    uint8_t b;
    skt_reader_init(&r, NULL, 10);
    CHECK(skt_reader_remaining(&r) == 0);
    CHECK_RC(skt_reader_u8(&r, &b, "b", &err), SECKIT_ETRUNCATED);
    CHECK_RC(skt_reader_expect_end(&r, "x", &err), 0);
}

static void test_writer_round_trip(void)
{
    skt_writer w;
    seckit_error err;
    skt_writer_init(&w, 1024);
    CHECK_OK(skt_writer_u8(&w, 0x02, &err), &err);
    CHECK_OK(skt_writer_u16(&w, 2, &err), &err);
    CHECK_OK(skt_writer_lp16(&w, "abc", 3, &err), &err);
    CHECK_OK(skt_writer_u32(&w, 0x100, &err), &err);
    CHECK_OK(skt_writer_lp16(&w, "", 0, &err), &err);
    CHECK_OK(skt_writer_u32(&w, 0xffffffffu, &err), &err);
    CHECK_OK(skt_writer_u64(&w, 0x0102030405060708ull, &err), &err);
    CHECK(w.len == sizeof(record));
    CHECK_MEM(w.data, record, sizeof(record));
    skt_writer_free(&w);
}

static void test_writer_limit(void)
{
    skt_writer w;
    seckit_error err;
    skt_writer_init_secret(&w, 10);
    CHECK_OK(skt_writer_put(&w, "0123456789", 10, &err), &err);
    CHECK_RC(skt_writer_u8(&w, 1, &err), SECKIT_ELIMIT);
    CHECK(w.len == 10);
    skt_writer_reset(&w);
    CHECK(w.len == 0);
    CHECK_OK(skt_writer_str(&w, "abc", &err), &err);
    CHECK_OK(skt_writer_terminate(&w, &err), &err);
    CHECK_STR((char *)w.data, "abc");
    skt_writer_free(&w);
}

static void test_writer_growth_and_steal(void)
{
    skt_writer w;
    seckit_error err;
    skt_writer_init(&w, 1u << 20);
    for (int i = 0; i < 100000; i++)
        CHECK_OK(skt_writer_u8(&w, (uint8_t)i, &err), &err);
    size_t len;
    uint8_t *p = skt_writer_steal(&w, &len);
    CHECK(len == 100000 && p[99999] == (uint8_t)99999);
    CHECK(w.data == NULL && w.len == 0);
    free(p);
    skt_writer_free(&w);
    CHECK_OK(skt_writer_terminate(&w, &err), &err);
    CHECK(w.len == 0 && w.data[0] == '\0');
    skt_writer_free(&w);
}

static void test_writer_lp16_too_long(void)
{
    skt_writer w;
    seckit_error err;
    static uint8_t big[70000];
    skt_writer_init(&w, 1u << 20);
    CHECK_RC(skt_writer_lp16(&w, big, sizeof(big), &err), SECKIT_ELIMIT);
    CHECK(w.len == 0);
    skt_writer_free(&w);
}

int main(void)
{
    TEST(test_reader_parses_record);
    TEST(test_reader_every_truncation);
    TEST(test_reader_trailing_bytes);
    TEST(test_reader_limit_before_reading);
    TEST(test_reader_cursor_unchanged_on_failure);
    TEST(test_reader_null_empty);
    TEST(test_writer_round_trip);
    TEST(test_writer_limit);
    TEST(test_writer_growth_and_steal);
    TEST(test_writer_lp16_too_long);
    TEST_EXIT();
}

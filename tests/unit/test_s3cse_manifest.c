/* Manifests (S3 Batch Operations CSV, S3 Inventory CSV), shards and
 * completion-report lines for `seckit s3 rewrap --manifest`. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seckit/s3cse_object.h"
#include "tests/unit/testlib.h"

/* Read every row of text; returns the count or the negative code. */
static int read_all(const char *text, seckit_s3_manifest_format fmt, const char *schema,
                    seckit_s3_manifest_row *rows, int max, seckit_error *err)
{
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    if (f == NULL)
        return -1;
    seckit_s3_manifest_reader *r = NULL;
    int rc = seckit_s3_manifest_reader_new(&r, f, fmt, schema, err);
    int n = 0;
    while (rc == 0) {
        seckit_s3_manifest_row row;
        rc = seckit_s3_manifest_next(r, &row, err);
        if (rc == 1) {
            if (n < max)
                rows[n] = row;
            else
                seckit_s3_manifest_row_free(&row);
            n++;
            rc = 0;
        } else {
            break;
        }
    }
    seckit_s3_manifest_reader_free(r);
    fclose(f);
    if (rc < 0)
        for (int i = 0; i < n && i < max; i++)
            seckit_s3_manifest_row_free(&rows[i]);
    return rc < 0 ? rc : n;
}

static void free_rows(seckit_s3_manifest_row *rows, int n)
{
    for (int i = 0; i < n && i < 8; i++)
        seckit_s3_manifest_row_free(&rows[i]);
}

static void batch_manifest(void)
{
    seckit_error err;
    seckit_s3_manifest_row rows[8];
    const char *text =
        "bkt,photos/a.jpg\r\n"
        "bkt,dir%20one/na%C3%AFve+caf%C3%A9%2B.txt,3HL4kqtJlcpXroDTDmJ%2BrmSpXd3dIbrHY\n"
        "\n"
        "\"bkt\",\"quoted,key\"\"x\",\n"
        "other,last";
    seckit_error_clear(&err);
    int n = read_all(text, SECKIT_S3_MANIFEST_BATCH, NULL, rows, 8, &err);
    CHECK_MSG(n == 4, "n=%d %s", n, err.message);
    if (n != 4)
        return;
    CHECK_STR(rows[0].bucket, "bkt");
    CHECK_STR(rows[0].key, "photos/a.jpg");
    CHECK(rows[0].version_id == NULL);
    CHECK(rows[0].line == 1);
    CHECK_STR(rows[1].key, "dir one/na\xc3\xafve caf\xc3\xa9+.txt");
    CHECK_STR(rows[1].version_id, "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY");
    CHECK_STR(rows[2].key, "quoted,key\"x");
    CHECK(rows[2].version_id == NULL);
    CHECK(rows[2].line == 4);
    CHECK_STR(rows[3].bucket, "other");
    CHECK_STR(rows[3].key, "last");
    CHECK(rows[3].line == 5);
    CHECK(!rows[1].skip);
    free_rows(rows, n);
}

static void batch_manifest_errors(void)
{
    static const struct {
        const char *text;
        const char *want;
    } bad[] = {
        {"bkt\n", "line 1: 1 fields"},
        {"bkt,k,v,extra\n", "line 1: 4 fields"},
        {"ok,k\n,key\n", "line 2: an empty bucket"},
        {"bkt,\n", "line 1: an empty key"},
        {"bkt,a%2\n", "line 1: key: bad %-escape"},
        {"bkt,a%zz\n", "bad %-escape"},
        {"bkt,a%00b\n", "NUL"},
        {"bkt,\"open\n", "not closed"},
        {"bkt,\"a\"b\n", "after a closing quote"},
        {"bkt,a\"b\n", "a quote inside unquoted field 2"},
        {"b/x,key\n", "not a bucket name"},
        {"bkt,a\rb\n", "carriage return"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        seckit_error err;
        seckit_s3_manifest_row rows[8];
        seckit_error_clear(&err);
        int n = read_all(bad[i].text, SECKIT_S3_MANIFEST_BATCH, NULL, rows, 8, &err);
        CHECK_MSG(n == SECKIT_EFORMAT, "case %zu: rc %d", i, n);
        CHECK_MSG(strstr(err.message, bad[i].want) != NULL, "case %zu: '%s'", i, err.message);
        if (n > 0)
            free_rows(rows, n);
    }
    /* a key over 1024 bytes once decoded */
    char *big = malloc(2000);
    strcpy(big, "b,");
    memset(big + 2, 'k', 1030);
    strcpy(big + 1032, "\n");
    seckit_error err;
    seckit_s3_manifest_row rows[8];
    seckit_error_clear(&err);
    CHECK(read_all(big, SECKIT_S3_MANIFEST_BATCH, NULL, rows, 8, &err) == SECKIT_EFORMAT);
    free(big);
    /* a schema only for inventories */
    seckit_s3_manifest_reader *r = NULL;
    FILE *f = fmemopen((void *)"x", 1, "r");
    CHECK(seckit_s3_manifest_reader_new(&r, f, SECKIT_S3_MANIFEST_BATCH, "Bucket, Key", &err) ==
          SECKIT_EINVAL);
    CHECK(seckit_s3_manifest_reader_new(&r, f, SECKIT_S3_MANIFEST_INVENTORY, "Size, Key", &err) ==
          SECKIT_EINVAL);
    CHECK(strstr(err.message, "no Bucket") != NULL);
    fclose(f);
}

static void inventory_manifest(void)
{
    seckit_error err;
    seckit_s3_manifest_row rows[8];
    const char *schema = "Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, LastModifiedDate";
    const char *text =
        "\"inv\",\"a+b%2Fc.txt\",\"v1\",\"true\",\"false\",\"10\",\"2026-12-01T00:00:00.000Z\"\n"
        "\"inv\",\"a+b%2Fc.txt\",\"v0\",\"false\",\"false\",\"10\",\"2026-11-01T00:00:00.000Z\"\n"
        "\"inv\",\"gone\",\"v9\",\"true\",\"true\",\"\",\"2026-11-01T00:00:00.000Z\"\n";
    seckit_error_clear(&err);
    int n = read_all(text, SECKIT_S3_MANIFEST_INVENTORY, schema, rows, 8, &err);
    CHECK_MSG(n == 3, "n=%d %s", n, err.message);
    if (n != 3)
        return;
    CHECK_STR(rows[0].key, "a b/c.txt");
    CHECK_STR(rows[0].version_id, "v1");
    CHECK(!rows[0].skip);
    CHECK(rows[1].skip && strstr(rows[1].skip_reason, "latest") != NULL);
    CHECK(rows[2].skip && strstr(rows[2].skip_reason, "delete marker") != NULL);
    free_rows(rows, n);

    /* no schema: Bucket, Key and anything after */
    n = read_all("\"b\",\"k1\",\"123\",\"2026\"\n\"b\",\"k2\",\"5\",\"x\"\n",
                 SECKIT_S3_MANIFEST_INVENTORY, NULL, rows, 8, &err);
    CHECK(n == 2);
    if (n == 2) {
        CHECK_STR(rows[1].key, "k2");
        CHECK(rows[1].version_id == NULL);
    }
    free_rows(rows, n);
    /* a row shorter than the schema */
    n = read_all("\"b\",\"k1\"\n", SECKIT_S3_MANIFEST_INVENTORY, schema, rows, 8, &err);
    CHECK(n == SECKIT_EFORMAT && strstr(err.message, "the schema needs at least 5") != NULL);
}

static void codec(void)
{
    seckit_error err;
    char *s = NULL;
    CHECK(seckit_s3_manifest_encode(&s, "dir one/na\xc3\xafve+,x~.txt", &err) == 0);
    CHECK_STR(s, "dir%20one/na%C3%AFve%2B%2Cx~.txt");
    char *d = NULL;
    CHECK(seckit_s3_manifest_decode(&d, s, strlen(s), &err) == 0);
    CHECK_STR(d, "dir one/na\xc3\xafve+,x~.txt");
    free(s);
    free(d);
}

static void shards(void)
{
    seckit_error err;
    seckit_s3_shard sh;
    CHECK(seckit_s3_shard_parse(&sh, "0/1", &err) == 0 && sh.index == 0 && sh.count == 1);
    CHECK(seckit_s3_shard_parse(&sh, "3/4", &err) == 0 && sh.index == 3 && sh.count == 4);
    const char *bad[] = {"4/4", "1/0", "-1/4",  "1",         "a/b",
                         "1/",  "/3",  "1/2/3", "0/2000000", " 1/2"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK_MSG(seckit_s3_shard_parse(&sh, bad[i], &err) == SECKIT_EINVAL, "'%s'", bad[i]);
    /* every key lands in exactly one of N shards, and they are used */
    int per[5] = {0};
    for (int k = 0; k < 500; k++) {
        char key[32];
        snprintf(key, sizeof(key), "obj/%d", k);
        int hits = 0;
        for (unsigned long i = 0; i < 5; i++) {
            seckit_s3_shard s = {i, 5};
            if (seckit_s3_shard_selects(&s, "bkt", key)) {
                hits++;
                per[i]++;
            }
        }
        CHECK(hits == 1);
    }
    for (int i = 0; i < 5; i++)
        CHECK_MSG(per[i] > 50, "shard %d has %d of 500", i, per[i]);
}

static void report_lines(void)
{
    seckit_error err;
    char *s = NULL;
    CHECK(seckit_s3_report_line(&s, "bkt", "dir one/a.txt", NULL, 1, 200, NULL, "Successful",
                                &err) == 0);
    CHECK_STR(s, "bkt,dir%20one/a.txt,,succeeded,200,,Successful\n");
    free(s);
    CHECK(seckit_s3_report_line(&s, "bkt", "k", "v1", 0, 412, "PreconditionFailed",
                                "s3://bkt/k: the object changed, \"retry\"", &err) == 0);
    CHECK_STR(s, "bkt,k,v1,failed,412,PreconditionFailed,\"s3://bkt/k: the object changed, "
                 "\"\"retry\"\"\"\n");
    free(s);
    /* a line it writes reads back as a Batch manifest row (first 3 fields) */
    CHECK(seckit_s3_report_line(&s, "bkt", "a,b \"c\"", NULL, 0, 0, "", "", &err) == 0);
    CHECK_STR(s, "bkt,a%2Cb%20%22c%22,,failed,,,\n");
    free(s);
}

int main(void)
{
    TEST(batch_manifest);
    TEST(batch_manifest_errors);
    TEST(inventory_manifest);
    TEST(codec);
    TEST(shards);
    TEST(report_lines);
    TEST_EXIT();
}

/* seckit s3 ls: buckets, or the objects under a prefix, as the AWS CLI
 * lists them. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/cli/cmd_s3.h"

/* ---- ls --------------------------------------------------------------------- */

/* An S3 time "2024-05-01T12:34:56.000Z" as "2024-05-01 12:34:56" (UTC). */
static void show_time(char when[20], const char *iso)
{
    memcpy(when, "                   ", 20);
    if (strlen(iso) >= 19 && iso[10] == 'T') {
        memcpy(when, iso, 19);
        when[10] = ' ';
    }
}

static void print_entry(const s3_opts *o, const seckit_s3_list_entry *e, const char *shown)
{
    char when[20], size[32];
    show_time(when, e->last_modified);
    if (o->human)
        s3_show_size(size, sizeof(size), e->size);
    else
        snprintf(size, sizeof(size), "%lld", e->size);
    printf("%s %10s %s\n", when, size, shown);
}

/* ls --summarize: the AWS CLI's two closing lines after an empty one. */
static void print_summary(const s3_opts *o, long long objects, long long bytes)
{
    char size[32];
    if (o->human)
        s3_show_size(size, sizeof(size), bytes);
    else
        snprintf(size, sizeof(size), "%lld", bytes);
    printf("\nTotal Objects: %lld\n   Total Size: %s\n", objects, size);
}

/* ls without s3://: every bucket (ListBuckets, page by page). */
static int ls_buckets(s3_opts *o)
{
    seckit_aws *aws = NULL;
    int rc = s3_make_client(o, &aws);
    if (rc != 0)
        return rc;
    seckit_error err;
    seckit_error_clear(&err);
    char *token = NULL;
    do {
        seckit_s3_bucket_list page;
        if (seckit_s3_list_buckets(aws, &page, token, (int)o->page_size, &err) != 0) {
            rc = cli_fail(o->sub, &err);
            break;
        }
        for (size_t i = 0; i < page.count; i++) {
            char when[20];
            show_time(when, page.buckets[i].creation_date);
            printf("%s %s\n", when, page.buckets[i].name);
        }
        free(token);
        token = page.continuation_token;
        page.continuation_token = NULL;
        seckit_s3_bucket_list_free(&page);
    } while (token != NULL);
    free(token);
    if (rc == 0 && o->summarize)
        print_summary(o, 0, 0); /* as the AWS CLI: buckets hold no listed objects */
    if (rc == 0 && fflush(stdout) != 0) {
        cli_message(o->sub, "writing the listing failed: %s", strerror(errno));
        rc = EXIT_IO;
    }
    seckit_aws_free(aws);
    return rc;
}

int cli_s3_ls(s3_opts *o, int argc, char **argv)
{
    if (argc == 0 && o->recursive)
        return cli_usage_error(o->sub, "ls --recursive needs an s3://BUCKET[/PREFIX]");
    if (argc == 0)
        return ls_buckets(o);
    if (argc != 1)
        return cli_usage_error(o->sub, "ls takes at most one s3://BUCKET[/PREFIX]");
    if (!s3_is_url(argv[0]))
        return cli_usage_error(o->sub, "'%s' is not an s3://BUCKET[/PREFIX] URL", argv[0]);
    s3_url u = {0};
    int rc = s3_parse_url(o->sub, argv[0], &u);
    if (rc != 0)
        return rc;
    seckit_aws *aws = NULL;
    if ((rc = s3_make_client(o, &aws)) != 0) {
        s3_free_url(&u);
        return rc;
    }
    /* Like the AWS CLI: without --recursive, "s3://b/dir" lists the folder
     * level "dir" is in and names entries relative to it. */
    size_t base = 0;
    const char *slash = strrchr(u.key, '/');
    if (slash != NULL)
        base = (size_t)(slash - u.key) + 1;
    seckit_error err;
    seckit_error_clear(&err);
    char *token = NULL;
    long long objects = 0, bytes = 0;
    rc = 0;
    do {
        seckit_s3_list req = {
            .bucket = u.bucket,
            .prefix = u.key[0] != '\0' ? u.key : NULL,
            .delimiter = o->recursive ? NULL : "/",
            .continuation_token = token,
            .max_keys = (int)o->page_size,
        };
        seckit_s3_list_result res;
        if (seckit_s3_list_objects(aws, &res, &req, &err) != 0) {
            seckit_error_prefix(&err, argv[0]);
            rc = cli_fail(o->sub, &err);
            break;
        }
        for (size_t i = 0; i < res.prefix_count; i++)
            printf("%30s %s\n", "PRE", res.common_prefixes[i] + (o->recursive ? 0 : base));
        for (size_t i = 0; i < res.count; i++) {
            print_entry(o, &res.entries[i], res.entries[i].key + (o->recursive ? 0 : base));
            objects++;
            bytes += res.entries[i].size;
        }
        free(token);
        token = res.next_continuation_token;
        res.next_continuation_token = NULL;
        seckit_s3_list_result_free(&res);
    } while (token != NULL);
    free(token);
    if (rc == 0 && o->summarize)
        print_summary(o, objects, bytes);
    if (rc == 0 && fflush(stdout) != 0) {
        cli_message(o->sub, "writing the listing failed: %s", strerror(errno));
        rc = EXIT_IO;
    }
    seckit_aws_free(aws);
    s3_free_url(&u);
    return rc;
}

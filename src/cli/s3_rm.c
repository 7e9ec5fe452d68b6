/* seckit s3 rm: one object, or every object under a prefix (--recursive,
 * in batches of DeleteObjects). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/cli/cmd_s3.h"

/* ---- rm --------------------------------------------------------------------- */

/* rm --recursive: list the prefix a page at a time and delete each page with
 * one DeleteObjects; keys S3 could not delete are reported one per line. */
static int rm_recursive(s3_opts *o, seckit_aws *aws, const s3_url *u, const char *arg)
{
    char *prefix = NULL;
    size_t kl = strlen(u->key);
    if (kl > 0 && u->key[kl - 1] != '/')
        prefix = s3_join(u->key, "/");
    else if (kl > 0)
        prefix = strdup(u->key);
    if (kl > 0 && prefix == NULL) {
        cli_message(o->sub, "out of memory");
        return EXIT_IO;
    }
    seckit_error err;
    seckit_error_clear(&err);
    char *token = NULL;
    int rc = 0;
    size_t failed = 0, deleted = 0;
    do {
        seckit_s3_list req = {.bucket = u->bucket, .prefix = prefix, .continuation_token = token};
        seckit_s3_list_result page;
        if (seckit_s3_list_objects(aws, &page, &req, &err) != 0) {
            seckit_error_prefix(&err, arg);
            rc = cli_fail(o->sub, &err);
            break;
        }
        free(token);
        token = page.next_continuation_token;
        page.next_continuation_token = NULL;
        /* --exclude/--include: match the key below the prefix */
        size_t plen = prefix != NULL ? strlen(prefix) : 0, kept = 0;
        for (size_t i = 0; i < page.count; i++) {
            if (!cli_s3_filter_match(o->filters, o->filter_count, page.entries[i].key + plen)) {
                free(page.entries[i].key);
                continue;
            }
            page.entries[kept++] = page.entries[i];
        }
        page.count = kept;
        if (o->dryrun) {
            for (size_t i = 0; i < page.count && !o->quiet && !o->only_errors; i++)
                printf("(dryrun) delete: s3://%s/%s\n", u->bucket, page.entries[i].key);
        } else if (page.count > 0) {
            seckit_s3_object_id *ids = calloc(page.count, sizeof(*ids));
            seckit_s3_delete_result dr;
            if (ids == NULL) {
                seckit_s3_list_result_free(&page);
                cli_message(o->sub, "out of memory");
                rc = EXIT_IO;
                break;
            }
            for (size_t i = 0; i < page.count; i++)
                ids[i].key = page.entries[i].key;
            if (seckit_s3_delete_objects(aws, &dr, u->bucket, ids, page.count, &err) != 0) {
                free(ids);
                seckit_s3_list_result_free(&page);
                seckit_error_prefix(&err, arg);
                rc = cli_fail(o->sub, &err);
                break;
            }
            for (size_t i = 0; i < page.count; i++) {
                const seckit_s3_delete_error *e = NULL;
                for (size_t k = 0; k < dr.error_count && e == NULL; k++)
                    if (strcmp(dr.errors[k].key, page.entries[i].key) == 0)
                        e = &dr.errors[k];
                if (e != NULL)
                    cli_message(o->sub, "delete failed: s3://%s/%s: %s (%s)", u->bucket,
                                page.entries[i].key, e->message[0] ? e->message : e->code, e->code);
                else if (!o->quiet && !o->only_errors)
                    printf("delete: s3://%s/%s\n", u->bucket, page.entries[i].key);
            }
            failed += dr.error_count;
            deleted += dr.deleted;
            seckit_s3_delete_result_free(&dr);
            free(ids);
        }
        seckit_s3_list_result_free(&page);
    } while (token != NULL);
    free(token);
    free(prefix);
    if (rc == 0 && failed > 0) {
        cli_message(o->sub, "%s: %zu object%s could not be deleted (%zu deleted)", arg, failed,
                    failed == 1 ? "" : "s", deleted);
        rc = EXIT_AWS;
    }
    return rc;
}

int cli_s3_rm(s3_opts *o, int argc, char **argv)
{
    if (argc != 1 || !s3_is_url(argv[0]))
        return cli_usage_error(o->sub, o->recursive ? "rm --recursive takes one "
                                                      "s3://BUCKET[/PREFIX]"
                                                    : "rm takes one s3://BUCKET/KEY");
    if (o->recursive && o->version_id != NULL)
        return cli_usage_error(o->sub, "--version-id deletes one object, not with --recursive");
    s3_url u = {0};
    int rc = s3_parse_url(o->sub, argv[0], &u);
    if (rc != 0)
        return rc;
    if (u.key[0] == '\0' && !o->recursive) {
        s3_free_url(&u);
        return cli_usage_error(o->sub,
                               "'%s' names no object key (use --recursive to delete "
                               "every object in the bucket)",
                               argv[0]);
    }
    seckit_aws *aws = NULL;
    if ((rc = s3_make_client(o, &aws)) == 0) {
        seckit_error err;
        seckit_error_clear(&err);
        const char *slash = strrchr(u.key, '/');
        if (o->recursive) {
            rc = rm_recursive(o, aws, &u, argv[0]);
        } else if (!cli_s3_filter_match(o->filters, o->filter_count,
                                        slash != NULL ? slash + 1 : u.key)) {
            /* filtered out: nothing to do */
        } else if (o->dryrun) {
            if (!o->quiet && !o->only_errors)
                printf("(dryrun) delete: s3://%s/%s\n", u.bucket, u.key);
        } else if (seckit_s3_delete_object_version(aws, u.bucket, u.key, o->version_id, &err) !=
                   0) {
            seckit_error_prefix(&err, argv[0]);
            rc = cli_fail(o->sub, &err);
        } else if (o->quiet || o->only_errors) {
            /* nothing to say */
        } else if (o->version_id != NULL) {
            printf("delete: s3://%s/%s (version %s)\n", u.bucket, u.key, o->version_id);
        } else {
            printf("delete: s3://%s/%s\n", u.bucket, u.key);
        }
        seckit_aws_free(aws);
    }
    s3_free_url(&u);
    return rc;
}

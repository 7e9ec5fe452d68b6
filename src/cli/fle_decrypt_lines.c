/* seckit fle decrypt --lines: one form body a line, on --threads threads;
 * everything is decrypted before anything is written. */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "src/cli/cmd_fle.h"

typedef struct line_job {
    const seckit_fle_decryptor *d;
    const char *const *fields;
    size_t n_fields;
    const uint8_t *input;
    const size_t *starts, *lens; /* per line */
    char **outs;
    size_t *out_lens;
    size_t *n_dec; /* per line: fields decrypted */
    size_t first, step, count;
    int rc;
    size_t failed_line;
    seckit_error err;
} line_job;

static void *decrypt_lines(void *arg)
{
    line_job *j = arg;
    j->rc = 0;
    for (size_t i = j->first; i < j->count; i += j->step) {
        if (j->lens[i] == 0) {
            j->outs[i] = NULL;
            j->out_lens[i] = 0;
            continue;
        }
        int rc = seckit_fle_decrypt_body(j->d, &j->outs[i], &j->out_lens[i], &j->n_dec[i],
                                         j->input + j->starts[i], j->lens[i], j->fields,
                                         j->n_fields, &j->err);
        if (rc != 0) {
            j->rc = rc;
            j->failed_line = i + 1;
            break;
        }
    }
    return NULL;
}

/* The lines of input: their number, then where each starts and how long
 * it is (without its "\n" or "\r\n"); a last line without "\n" counts. */
static size_t count_lines(const uint8_t *input, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += input[i] == '\n';
    if (len > 0 && input[len - 1] != '\n')
        n++;
    return n;
}

static void find_lines(const uint8_t *input, size_t len, size_t n, size_t *starts, size_t *lens)
{
    for (size_t i = 0, pos = 0; i < n; i++) {
        size_t e = pos;
        while (e < len && input[e] != '\n')
            e++;
        starts[i] = pos;
        lens[i] = e - pos;
        if (lens[i] > 0 && input[e - 1] == '\r')
            lens[i]--;
        pos = e + 1;
    }
}

/* Run the jobs: jobs[0] on this thread, the others on threads of their
 * own; every thread started is joined.  Fails only when a thread cannot be
 * started (the jobs' own failures are in the jobs). */
static int run_jobs(line_job *jobs, pthread_t *tids, unsigned threads, seckit_error *err)
{
    int rc = 0;
    size_t started = 0;
    for (unsigned t = 1; t < threads; t++) {
        if (pthread_create(&tids[t], NULL, decrypt_lines, &jobs[t]) != 0) {
            rc = seckit_error_set(err, SECKIT_EIO, "cannot start a thread");
            break;
        }
        started = t;
    }
    if (rc == 0)
        decrypt_lines(&jobs[0]);
    for (unsigned t = 1; t <= started; t++)
        pthread_join(tids[t], NULL);
    return rc;
}

/* The earliest failing line, if any: its error (prefixed "line N") in err,
 * and its code; else 0. */
static int earliest_failure(const line_job *jobs, unsigned threads, seckit_error *err)
{
    size_t worst = 0;
    for (unsigned t = 0; t < threads; t++)
        if (jobs[t].rc != 0 && (worst == 0 || jobs[t].failed_line < jobs[worst - 1].failed_line))
            worst = t + 1;
    if (worst == 0)
        return 0;
    const line_job *j = &jobs[worst - 1];
    char where[64];
    *err = j->err;
    snprintf(where, sizeof(where), "line %zu", j->failed_line);
    seckit_error_prefix(err, where);
    return j->rc;
}

/* Forms (non-empty lines) with no field to decrypt: said, or refused. */
static int check_undecrypted(const size_t *lens, const size_t *n_dec, size_t n, int require_fields,
                             seckit_error *err)
{
    size_t none = 0, first_none = 0;
    for (size_t i = 0; i < n; i++)
        if (lens[i] > 0 && n_dec[i] == 0 && none++ == 0)
            first_none = i + 1;
    if (none > 0 && require_fields) {
        if (none == 1)
            return seckit_error_set(err, SECKIT_ENOTFOUND,
                                    "--require-fields: line %zu has no field to decrypt; "
                                    "nothing was written",
                                    first_none);
        return seckit_error_set(err, SECKIT_ENOTFOUND,
                                "--require-fields: %zu lines (the first is line %zu) have no "
                                "field to decrypt; nothing was written",
                                none, first_none);
    }
    if (none > 0)
        cli_message(sub,
                    "%zu of the forms (the first on line %zu) had no field to decrypt: "
                    "passed through unchanged (--require-fields makes this an error)",
                    none, first_none);
    return 0;
}

/* Everything decrypted: assemble the lines and write them. */
static int write_lines(char *const *outs, const size_t *out_lens, size_t n, const char *out,
                       unsigned flags, seckit_error *err)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += out_lens[i] + 1;
    char *all = seckit_secret_alloc(total + 1);
    if (all == NULL)
        return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (out_lens[i] > 0)
            memcpy(all + o, outs[i], out_lens[i]);
        o += out_lens[i];
        all[o++] = '\n';
    }
    int rc = fle_write_output(out, flags, all, o, NULL, 0, err);
    seckit_secret_free(all);
    return rc;
}

int fle_decrypt_batch(const seckit_fle_decryptor *d, const char *const *fields, size_t n_fields,
                      const uint8_t *input, size_t len, unsigned threads, const char *out,
                      unsigned flags, int require_fields, seckit_error *err)
{
    size_t n = count_lines(input, len);
    size_t *starts = calloc(n ? n : 1, sizeof(size_t)), *lens = calloc(n ? n : 1, sizeof(size_t));
    size_t *out_lens = calloc(n ? n : 1, sizeof(size_t));
    char **outs = calloc(n ? n : 1, sizeof(char *));
    size_t *n_dec = calloc(n ? n : 1, sizeof(size_t));
    line_job *jobs = calloc(threads, sizeof(line_job));
    pthread_t *tids = calloc(threads, sizeof(pthread_t));
    int rc = 0;
    if (starts == NULL || lens == NULL || out_lens == NULL || outs == NULL || n_dec == NULL ||
        jobs == NULL || tids == NULL) {
        rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
        goto done;
    }
    find_lines(input, len, n, starts, lens);
    for (unsigned t = 0; t < threads; t++) {
        line_job *j = &jobs[t];
        j->d = d;
        j->fields = fields;
        j->n_fields = n_fields;
        j->input = input;
        j->starts = starts;
        j->lens = lens;
        j->outs = outs;
        j->out_lens = out_lens;
        j->n_dec = n_dec;
        j->first = t;
        j->step = threads;
        j->count = n;
        seckit_error_clear(&j->err);
    }
    rc = run_jobs(jobs, tids, threads, err);
    if (rc == 0)
        rc = earliest_failure(jobs, threads, err);
    if (rc == 0)
        rc = check_undecrypted(lens, n_dec, n, require_fields, err);
    if (rc == 0)
        rc = write_lines(outs, out_lens, n, out, flags, err);
done:
    if (outs != NULL)
        for (size_t i = 0; i < n; i++)
            seckit_secret_free(outs[i]);
    free(outs);
    free(n_dec);
    free(out_lens);
    free(starts);
    free(lens);
    free(jobs);
    free(tids);
    return rc;
}

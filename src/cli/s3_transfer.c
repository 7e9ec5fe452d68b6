/* seckit s3 cp --recursive, sync and mv: list the source (and, for sync,
 * the destination), keep what the filters let through, plan one operation
 * per file or object, and run the plan on a few worker threads that share
 * one connection pool (seckit_aws_pool).  See s3_transfer.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <ftw.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "seckit/file.h"
#include "seckit/s3.h"
#include "src/cli/cli.h"
#include "src/cli/s3_transfer.h"

int cli_s3_filter_match(const cli_s3_filter *filters, size_t count, const char *rel)
{
    int keep = 1;
    /* '*' crosses '/' and a backslash is an ordinary character, as in the
     * AWS CLI's patterns. */
    for (size_t i = 0; i < count; i++)
        if (fnmatch(filters[i].pattern, rel, FNM_NOESCAPE) == 0)
            keep = filters[i].include;
    return keep;
}

/* ---- what a side holds ---------------------------------------------------- */

typedef struct entry {
    char *rel;      /* path below the folder or prefix ('/'-separated) */
    long long size; /* -1: not known (a single s3:// source) */
    time_t mtime;   /* modification time (S3: LastModified) */
    char etag[130]; /* S3 only */
} entry;

typedef struct entries {
    entry *e;
    size_t n, cap;
} entries;

static int add_entry(entries *l, const char *rel, long long size, time_t mtime, const char *etag)
{
    if (l->n == l->cap) {
        size_t ncap = l->cap == 0 ? 64 : l->cap * 2;
        entry *ne = realloc(l->e, ncap * sizeof(*ne));
        if (ne == NULL)
            return -1;
        l->e = ne;
        l->cap = ncap;
    }
    entry *e = &l->e[l->n];
    memset(e, 0, sizeof(*e));
    e->rel = strdup(rel);
    if (e->rel == NULL)
        return -1;
    e->size = size;
    e->mtime = mtime;
    if (etag != NULL)
        snprintf(e->etag, sizeof(e->etag), "%s", etag);
    l->n++;
    return 0;
}

static void free_entries(entries *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->e[i].rel);
    free(l->e);
    l->e = NULL;
    l->n = l->cap = 0;
}

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->rel, ((const entry *)b)->rel);
}

static char *concat(const char *a, const char *b, const char *c)
{
    size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
    char *s = malloc(la + lb + lc + 1);
    if (s != NULL) {
        memcpy(s, a, la);
        memcpy(s + la, b, lb);
        memcpy(s + la + lb, c, lc + 1);
    }
    return s;
}

/* "" or the key with a '/' at its end, malloc'd. */
static char *as_prefix(const char *key)
{
    size_t n = strlen(key);
    return concat(key, n == 0 || key[n - 1] == '/' ? "" : "/", "");
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s != NULL ? s + 1 : path;
}

/* A key's part below the prefix is safe as a relative path: no "..", ".",
 * empty or absolute components. */
static int safe_relative(const char *rel)
{
    if (*rel == '\0' || *rel == '/')
        return 0;
    for (const char *p = rel; *p != '\0';) {
        const char *e = strchr(p, '/');
        size_t n = e != NULL ? (size_t)(e - p) : strlen(p);
        if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
            return 0;
        p += n;
        if (*p == '/')
            p++;
    }
    return 1;
}

/* S3's "2026-12-07T01:00:00.000Z" as seconds since the epoch (0 when it is
 * not that shape). */
static time_t s3_time(const char *iso)
{
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    int y, mo, d, h, mi, s;
    if (sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) != 6)
        return 0;
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    return timegm(&tm);
}

/* An HTTP date, "Mon, 07 Dec 2026 01:00:00 GMT" (0 when it is not one). */
static time_t http_time(const char *date)
{
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    const char *end = strptime(date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return end != NULL && *end == '\0' ? timegm(&tm) : 0;
}

/* ---- messages -------------------------------------------------------------- */

typedef struct task task;

typedef struct engine {
    const cli_s3_xfer *x;
    const cli_s3_place *src, *dst;
    task *t;
    size_t n, cap;
    size_t next, done;
    long long bytes_done, bytes_total;
    pthread_mutex_t mu;
    int progress_on, shown;
    int worst;
} engine;

static void clear_progress_locked(engine *e)
{
    if (e->shown) {
        fprintf(stderr, "\r%79s\r", "");
        e->shown = 0;
    }
}

static void show_size(char *buf, size_t cap, long long n)
{
    if (n >= 1024LL * 1024 * 1024)
        snprintf(buf, cap, "%.1f GiB", (double)n / (1024.0 * 1024 * 1024));
    else if (n >= 1024LL * 1024)
        snprintf(buf, cap, "%.1f MiB", (double)n / (1024.0 * 1024));
    else if (n >= 1024)
        snprintf(buf, cap, "%.1f KiB", (double)n / 1024.0);
    else
        snprintf(buf, cap, "%lld B", n);
}

/* The one progress line: "Completed 1.5 MiB/3.0 MiB with 4 file(s) remaining". */
static void draw_progress(engine *e)
{
    pthread_mutex_lock(&e->mu);
    if (e->progress_on) {
        char a[32], b[32];
        show_size(a, sizeof(a), e->bytes_done);
        show_size(b, sizeof(b), e->bytes_total);
        fprintf(stderr, "\rCompleted %s/%s with %zu file(s) remaining   ", a, b, e->n - e->done);
        fflush(stderr);
        e->shown = 1;
    }
    pthread_mutex_unlock(&e->mu);
}

/* An operation line on standard output (not with --quiet or
 * --only-show-errors). */
static void say(engine *e, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void say(engine *e, const char *fmt, ...)
{
    if (e->x->quiet || e->x->only_errors)
        return;
    va_list ap;
    va_start(ap, fmt);
    pthread_mutex_lock(&e->mu);
    clear_progress_locked(e);
    vprintf(fmt, ap);
    fflush(stdout);
    pthread_mutex_unlock(&e->mu);
    va_end(ap);
}

/* One line on standard error (when shown) under the lock, the progress line
 * cleared first; rc, when not 0, becomes the exit code if nothing worse
 * happened. */
static void report(engine *e, int rc, int shown, const char *prefix, const char *text)
{
    pthread_mutex_lock(&e->mu);
    clear_progress_locked(e);
    if (shown)
        cli_message(e->x->sub, "%s%s", prefix, text);
    if (rc > e->worst)
        e->worst = rc;
    pthread_mutex_unlock(&e->mu);
}

/* A warning (not with --quiet). */
static void warn(engine *e, int rc, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void warn(engine *e, int rc, const char *fmt, ...)
{
    char text[1500];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    report(e, rc, !e->x->quiet, "warning: ", text);
}

/* An error (always shown): "WHAT: message (Code, request id ...)". */
static int fail(engine *e, const char *what, const seckit_error *err)
{
    pthread_mutex_lock(&e->mu);
    clear_progress_locked(e);
    seckit_error copy = *err;
    seckit_error_prefix(&copy, what);
    int rc = cli_fail(e->x->sub, &copy);
    if (rc > e->worst)
        e->worst = rc;
    pthread_mutex_unlock(&e->mu);
    return rc;
}

static int fail_msg(engine *e, int rc, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static int fail_msg(engine *e, int rc, const char *fmt, ...)
{
    char text[1500];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    report(e, rc, 1, "", text);
    return rc;
}

/* ---- listing the sides ------------------------------------------------------- */

/* nftw() has no context argument: the walk's state. */
static struct {
    engine *e;
    entries *out;
    size_t root_len;
    int oom;
} walk;

static int walk_one(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)ftw;
    const char *rel = path + walk.root_len;
    while (*rel == '/')
        rel++;
    switch (type) {
    case FTW_F:
        if (!S_ISREG(sb->st_mode)) {
            warn(walk.e, 0, "skipping %s: not a regular file", path);
            return 0;
        }
        if (add_entry(walk.out, rel, (long long)sb->st_size, sb->st_mtime, NULL) != 0) {
            walk.oom = 1;
            return 1;
        }
        return 0;
    case FTW_SL: /* --no-follow-symlinks: links are not copied */ return 0;
    case FTW_SLN:
        warn(walk.e, EXIT_IO, "skipping %s: the link's target does not exist", path);
        return 0;
    case FTW_DNR: warn(walk.e, EXIT_IO, "skipping %s: the folder cannot be read", path); return 0;
    case FTW_NS: warn(walk.e, EXIT_IO, "skipping %s: %s", path, strerror(errno)); return 0;
    default: return 0; /* folders are implied by the files in them */
    }
}

static int list_local(engine *e, const char *root, int follow, entries *out)
{
    walk.e = e;
    walk.out = out;
    walk.root_len = strlen(root);
    walk.oom = 0;
    if (nftw(root, walk_one, 16, follow ? 0 : FTW_PHYS) < 0 && !walk.oom)
        return fail_msg(e, EXIT_IO, "%s: %s", root, strerror(errno));
    if (walk.oom)
        return fail_msg(e, EXIT_IO, "out of memory");
    if (out->n > 1) /* qsort needs a list (out->e is NULL when empty) */
        qsort(out->e, out->n, sizeof(*out->e), cmp_entry);
    return 0;
}

/* Every object under prefix (folder markers, keys ending in '/', left out;
 * with encryption, the instruction files of listed objects too). */
static int list_s3(engine *e, const char *bucket, const char *prefix, entries *out)
{
    const cli_s3_xfer *x = e->x;
    seckit_error err;
    seckit_error_clear(&err);
    char *token = NULL;
    int rc = 0;
    size_t plen = strlen(prefix);
    do {
        seckit_s3_list req = {
            .bucket = bucket,
            .prefix = prefix[0] != '\0' ? prefix : NULL,
            .continuation_token = token,
        };
        seckit_s3_list_result res;
        if (seckit_s3_list_objects(x->aws, &res, &req, &err) != 0) {
            char what[1200];
            snprintf(what, sizeof(what), "s3://%s/%s", bucket, prefix);
            rc = fail(e, what, &err);
            break;
        }
        for (size_t i = 0; i < res.count && rc == 0; i++) {
            const seckit_s3_list_entry *le = &res.entries[i];
            size_t kl = strlen(le->key);
            if (kl == 0 || le->key[kl - 1] == '/' || kl < plen)
                continue;
            if (add_entry(out, le->key + plen, le->size, s3_time(le->last_modified), le->etag) != 0)
                rc = fail_msg(e, EXIT_IO, "out of memory");
        }
        free(token);
        token = res.next_continuation_token;
        res.next_continuation_token = NULL;
        seckit_s3_list_result_free(&res);
    } while (token != NULL && rc == 0);
    free(token);
    if (rc != 0)
        return rc;
    if (out->n > 1) /* qsort needs a list (out->e is NULL when empty) */
        qsort(out->e, out->n, sizeof(*out->e), cmp_entry);
    if (x->enc != NULL) {
        /* the instruction file of another listed key is not an object of its own */
        const char *suffix = x->suffix != NULL ? x->suffix : ".instruction";
        size_t slen = strlen(suffix), kept = 0;
        unsigned char *drop =
            calloc(out->n + 1, 1); /* marked first: bsearch needs the list whole */
        if (drop == NULL)
            return fail_msg(e, EXIT_IO, "out of memory");
        for (size_t i = 0; i < out->n; i++) {
            const char *r = out->e[i].rel;
            size_t rl = strlen(r);
            if (rl > slen && strcmp(r + rl - slen, suffix) == 0) {
                entry probe = {.rel = strndup(r, rl - slen)};
                drop[i] = probe.rel != NULL &&
                          bsearch(&probe, out->e, out->n, sizeof(*out->e), cmp_entry) != NULL;
                free(probe.rel);
            }
        }
        for (size_t i = 0; i < out->n; i++) {
            if (drop[i])
                free(out->e[i].rel);
            else
                out->e[kept++] = out->e[i];
        }
        free(drop);
        out->n = kept;
    }
    return 0;
}

/* ---- the plan ---------------------------------------------------------------- */

enum task_kind { T_UPLOAD, T_DOWNLOAD, T_COPY, T_DELETE_S3, T_DELETE_LOCAL };

struct task {
    enum task_kind kind;
    char *from; /* local path, or key in the source bucket */
    char *to;   /* key in the destination bucket, or local path (NULL: deletes) */
    long long size;
    time_t mtime;   /* the source's, given to a downloaded file */
    char etag[130]; /* an s3:// source's ETag from the listing ("" unknown) */
};

static int add_task(engine *e, enum task_kind kind, char *from, char *to, const entry *src)
{
    if (from == NULL || (to == NULL && kind != T_DELETE_S3 && kind != T_DELETE_LOCAL)) {
        free(from);
        free(to);
        return fail_msg(e, EXIT_IO, "out of memory");
    }
    if (e->n == e->cap) {
        size_t ncap = e->cap == 0 ? 64 : e->cap * 2;
        task *nt = realloc(e->t, ncap * sizeof(*nt));
        if (nt == NULL) {
            free(from);
            free(to);
            return fail_msg(e, EXIT_IO, "out of memory");
        }
        e->t = nt;
        e->cap = ncap;
    }
    task *t = &e->t[e->n++];
    memset(t, 0, sizeof(*t));
    t->kind = kind;
    t->from = from;
    t->to = to;
    t->size = src != NULL ? src->size : -1;
    t->mtime = src != NULL ? src->mtime : 0;
    if (src != NULL)
        snprintf(t->etag, sizeof(t->etag), "%s", src->etag);
    if (t->size > 0)
        e->bytes_total += t->size;
    return 0;
}

/* src root as the list of what a transfer takes: the folder or prefix with
 * --recursive and sync, else the one file or object. */
static int list_source(engine *e, char **root, entries *out)
{
    const cli_s3_xfer *x = e->x;
    const cli_s3_place *s = e->src;
    int whole = x->recursive || x->verb == CLI_S3_SYNC;
    struct stat st;
    *root = NULL;
    if (s->bucket == NULL) {
        if (whole) {
            if (stat(s->arg, &st) != 0 || !S_ISDIR(st.st_mode))
                return cli_usage_error(x->sub, "%s: %s is not a folder",
                                       x->verb == CLI_S3_SYNC ? "sync" : "--recursive", s->arg);
            *root = strdup(s->arg);
            return *root == NULL ? fail_msg(e, EXIT_IO, "out of memory")
                                 : list_local(e, s->arg, x->follow_symlinks, out);
        }
        int r = x->follow_symlinks ? stat(s->arg, &st) : lstat(s->arg, &st);
        if (r != 0)
            return fail_msg(e, EXIT_IO, "%s: %s", s->arg, strerror(errno));
        if (S_ISDIR(st.st_mode))
            return cli_usage_error(x->sub, "%s is a folder (use --recursive)", s->arg);
        if (!S_ISREG(st.st_mode))
            return cli_usage_error(x->sub, "%s is not a regular file", s->arg);
        *root = strdup("");
        if (*root == NULL || add_entry(out, s->arg, (long long)st.st_size, st.st_mtime, NULL))
            return fail_msg(e, EXIT_IO, "out of memory");
        return 0;
    }
    if (whole) {
        *root = as_prefix(s->key);
        return *root == NULL ? fail_msg(e, EXIT_IO, "out of memory")
                             : list_s3(e, s->bucket, *root, out);
    }
    size_t kl = strlen(s->key);
    if (kl == 0 || s->key[kl - 1] == '/')
        return cli_usage_error(x->sub, "s3://%s/%s names no object (use --recursive)", s->bucket,
                               s->key);
    *root = strdup("");
    if (*root == NULL || add_entry(out, s->key, -1, 0, NULL) != 0)
        return fail_msg(e, EXIT_IO, "out of memory");
    return 0;
}

/* Where rel goes: a key in the destination bucket or a local path (NULL
 * with *rc set when it cannot go anywhere safely). */
static char *dest_for(engine *e, const char *root, const char *rel, int single, int *rc)
{
    const cli_s3_place *d = e->dst;
    *rc = 0;
    if (single) {
        /* one file or object: a destination ending in '/' (or a local
         * folder) gets the source's name */
        const char *name = base_name(rel);
        struct stat st;
        size_t dl = strlen(d->bucket != NULL ? d->key : d->arg);
        if (d->bucket != NULL)
            return dl == 0 || d->key[dl - 1] == '/' ? concat(d->key, name, "") : strdup(d->key);
        if ((dl > 0 && d->arg[dl - 1] == '/') || (stat(d->arg, &st) == 0 && S_ISDIR(st.st_mode))) {
            if (!safe_relative(name)) {
                *rc = fail_msg(e, EXIT_INPUT,
                               "%s: not copied (the name is not a safe file "
                               "name)",
                               rel);
                return NULL;
            }
            return concat(d->arg, d->arg[dl - 1] == '/' ? "" : "/", name);
        }
        return strdup(d->arg);
    }
    if (d->bucket != NULL) {
        char *prefix = as_prefix(d->key);
        char *k = prefix != NULL ? concat(prefix, rel, "") : NULL;
        free(prefix);
        return k;
    }
    if (!safe_relative(rel)) {
        *rc = fail_msg(e, EXIT_INPUT,
                       "s3://%s/%s%s: not copied (the key is not a safe relative "
                       "path below the destination)",
                       e->src->bucket, root, rel);
        return NULL;
    }
    size_t dl = strlen(d->arg);
    return concat(d->arg, dl > 0 && d->arg[dl - 1] == '/' ? "" : "/", rel);
}

/* The source entry's own name for messages and tasks: a local path or a key. */
static char *source_for(engine *e, const char *root, const entry *s, int single)
{
    if (single)
        return strdup(s->rel);
    if (e->src->bucket != NULL)
        return concat(root, s->rel, "");
    size_t rl = strlen(root);
    return concat(root, rl > 0 && root[rl - 1] == '/' ? "" : "/", s->rel);
}

static enum task_kind transfer_kind(const engine *e)
{
    if (e->src->bucket == NULL)
        return T_UPLOAD;
    return e->dst->bucket == NULL ? T_DOWNLOAD : T_COPY;
}

/* The destination side for sync: what is there already. */
static int list_dest(engine *e, entries *out)
{
    const cli_s3_place *d = e->dst;
    if (d->bucket != NULL) {
        char *prefix = as_prefix(d->key);
        if (prefix == NULL)
            return fail_msg(e, EXIT_IO, "out of memory");
        int rc = list_s3(e, d->bucket, prefix, out);
        free(prefix);
        return rc;
    }
    struct stat st;
    if (stat(d->arg, &st) != 0) {
        if (errno == ENOENT)
            return 0; /* made by the first download */
        return fail_msg(e, EXIT_IO, "%s: %s", d->arg, strerror(errno));
    }
    if (!S_ISDIR(st.st_mode))
        return cli_usage_error(e->x->sub, "sync: %s is not a folder", d->arg);
    return list_local(e, d->arg, 1, out);
}

/* A sync copies what is missing at the destination, differs in size, or is
 * newer at the source (by whole seconds; a download gets the object's
 * LastModified as its modification time, so the next run leaves it). */
static int sync_needed(const entry *s, const entry *d)
{
    return d == NULL || s->size != d->size || s->mtime > d->mtime;
}

static int plan(engine *e)
{
    const cli_s3_xfer *x = e->x;
    int single = !(x->recursive || x->verb == CLI_S3_SYNC);
    char *root = NULL;
    entries src = {0}, dst = {0};
    int rc = list_source(e, &root, &src);
    if (rc == 0 && x->verb == CLI_S3_SYNC)
        rc = list_dest(e, &dst);
    enum task_kind kind = transfer_kind(e);
    size_t j = 0;
    for (size_t i = 0; i < src.n && rc == 0; i++) {
        const entry *s = &src.e[i];
        if (!cli_s3_filter_match(x->filters, x->filter_count, single ? base_name(s->rel) : s->rel))
            continue;
        if (x->verb == CLI_S3_SYNC) {
            while (j < dst.n && strcmp(dst.e[j].rel, s->rel) < 0)
                j++;
            const entry *d = j < dst.n && strcmp(dst.e[j].rel, s->rel) == 0 ? &dst.e[j] : NULL;
            if (!sync_needed(s, d))
                continue;
        }
        int drc = 0;
        char *to = dest_for(e, root, s->rel, single, &drc);
        if (to == NULL && drc != 0)
            continue; /* reported; the others go on */
        char *from = source_for(e, root, s, single);
        if (kind == T_COPY && from != NULL && to != NULL &&
            strcmp(e->src->bucket, e->dst->bucket) == 0 && strcmp(from, to) == 0) {
            /* a copy onto itself: mv would then delete the only copy */
            fail_msg(e, EXIT_USAGE, "s3://%s/%s: not %s onto itself", e->src->bucket, from,
                     x->verb == CLI_S3_MV ? "moved" : "copied");
            free(from);
            free(to);
            continue;
        }
        rc = add_task(e, kind, from, to, s);
    }
    if (rc == 0 && x->verb == CLI_S3_SYNC && x->sync_delete) {
        /* what the destination holds and the source does not (filters apply) */
        size_t i = 0;
        for (j = 0; j < dst.n && rc == 0; j++) {
            const entry *d = &dst.e[j];
            while (i < src.n && strcmp(src.e[i].rel, d->rel) < 0)
                i++;
            if (i < src.n && strcmp(src.e[i].rel, d->rel) == 0)
                continue;
            if (!cli_s3_filter_match(x->filters, x->filter_count, d->rel))
                continue;
            char *what;
            if (e->dst->bucket != NULL) {
                char *prefix = as_prefix(e->dst->key);
                what = prefix != NULL ? concat(prefix, d->rel, "") : NULL;
                free(prefix);
            } else {
                size_t dl = strlen(e->dst->arg);
                what = concat(e->dst->arg, dl > 0 && e->dst->arg[dl - 1] == '/' ? "" : "/", d->rel);
            }
            rc = add_task(e, e->dst->bucket != NULL ? T_DELETE_S3 : T_DELETE_LOCAL, what, NULL,
                          NULL);
        }
    }
    free(root);
    free_entries(&src);
    free_entries(&dst);
    return rc;
}

/* ---- running one operation ----------------------------------------------------- */

static const char *op_word(const engine *e, enum task_kind k)
{
    if (k == T_DELETE_S3 || k == T_DELETE_LOCAL)
        return "delete";
    if (e->x->verb == CLI_S3_MV)
        return "move";
    return k == T_UPLOAD ? "upload" : k == T_DOWNLOAD ? "download" : "copy";
}

/* "s3://bucket/key" or the local path, for task t's source or destination. */
static void name_of(const engine *e, const task *t, int dest, char *buf, size_t cap)
{
    const char *s = dest ? t->to : t->from;
    int remote;
    if (t->kind == T_DELETE_S3)
        remote = 1, dest = 1;
    else if (t->kind == T_DELETE_LOCAL)
        remote = 0;
    else
        remote = dest ? e->dst->bucket != NULL : e->src->bucket != NULL;
    if (remote)
        snprintf(buf, cap, "s3://%s/%s", dest ? e->dst->bucket : e->src->bucket, s);
    else
        snprintf(buf, cap, "%s", s);
}

/* mkdir -p of path's parent folders. */
static int make_parents(engine *e, char *path)
{
    for (char *p = strchr(path + 1, '/'); p != NULL; p = strchr(p + 1, '/')) {
        *p = '\0';
        int r = mkdir(path, 0755);
        int er = errno;
        *p = '/';
        if (r != 0 && er != EEXIST)
            return fail_msg(e, EXIT_IO, "cannot make the folder for %s: %s", path, strerror(er));
    }
    return 0;
}

static int do_upload(engine *e, seckit_aws *aws, task *t, const char *to_name)
{
    const cli_s3_xfer *x = e->x;
    int fd = open(t->from, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail_msg(e, EXIT_IO, "%s: %s", t->from, strerror(errno));
    if (x->enc != NULL) {
        int rc = cli_s3cse_upload(x->sub, x->enc, aws, fd, t->size, t->from, e->dst->bucket, t->to,
                                  x->part_size, x->content_type, x->meta, x->meta_count,
                                  x->no_overwrite ? "*" : NULL, NULL, NULL);
        close(fd);
        if (rc > e->worst) {
            pthread_mutex_lock(&e->mu);
            if (rc > e->worst)
                e->worst = rc;
            pthread_mutex_unlock(&e->mu);
        }
        return rc;
    }
    seckit_s3_upload req = {
        .bucket = e->dst->bucket,
        .key = t->to,
        .fd = fd,
        .part_size = x->part_size,
        .content_type = x->content_type,
        .metadata = x->meta,
        .metadata_count = x->meta_count,
        .if_none_match = x->no_overwrite ? "*" : NULL,
        .write = x->write,
    };
    seckit_s3_upload_result res;
    seckit_error err;
    seckit_error_clear(&err);
    int rc = 0;
    if (seckit_s3_upload_fd(aws, &res, &req, &err) != 0)
        rc = fail(e, to_name, &err);
    close(fd);
    return rc;
}

static int do_download(engine *e, seckit_aws *aws, task *t)
{
    const cli_s3_xfer *x = e->x;
    char from[1200];
    name_of(e, t, 0, from, sizeof(from));
    int rc = make_parents(e, t->to);
    if (rc != 0)
        return rc;
    if (x->enc != NULL) {
        rc = cli_s3cse_download(x->sub, x->enc, aws, e->src->bucket, t->from, NULL, NULL, t->to,
                                x->buffer_limit, NULL, NULL);
        if (rc != 0) {
            pthread_mutex_lock(&e->mu);
            if (rc > e->worst)
                e->worst = rc;
            pthread_mutex_unlock(&e->mu);
        }
        return rc;
    }
    seckit_error err;
    seckit_error_clear(&err);
    seckit_atomic_file *f = NULL;
    seckit_s3_object_info info;
    seckit_s3_get g = SECKIT_S3_GET_INIT;
    g.bucket = e->src->bucket;
    g.key = t->from;
    g.if_match = t->etag[0] != '\0' ? t->etag : NULL; /* the object listed, not a newer one */
    int opened = seckit_atomic_open(&f, t->to, 0644, SECKIT_FILE_OVERWRITE, &err) == 0;
    if (opened) {
        g.out_fd = seckit_atomic_fd(f);
        if (seckit_s3_get_object(aws, &info, NULL, NULL, &g, &err) == 0) {
            if (t->size < 0)
                t->size = info.content_length;
            /* the file gets the object's LastModified (as listed, or the
             * GET's Last-Modified), so a later sync sees them equal */
            time_t when = t->mtime != 0 ? t->mtime : http_time(info.last_modified);
            seckit_s3_object_info_free(&info);
            if (when != 0) {
                struct timespec ts[2] = {{when, 0}, {when, 0}};
                (void)futimens(g.out_fd, ts);
            }
            if (seckit_atomic_commit(f, &err) == 0)
                return 0;
        }
    }
    seckit_atomic_abort(f); /* the temporary file goes; the destination is untouched */
    return fail(e, seckit_error_category(err.code) == SECKIT_CAT_IO ? t->to : from, &err);
}

static int do_copy(engine *e, seckit_aws *aws, task *t, const char *to_name)
{
    const cli_s3_xfer *x = e->x;
    seckit_s3_copy req = {
        .src_bucket = e->src->bucket,
        .src_key = t->from,
        .bucket = e->dst->bucket,
        .key = t->to,
        .replace_metadata = x->replace_metadata,
        .content_type = x->content_type,
        .metadata = x->meta,
        .metadata_count = x->meta_count,
        .copy_source_if_match = NULL,
        .part_size = x->part_size,
        .write = x->write,
    };
    seckit_s3_copy_result res;
    seckit_error err;
    seckit_error_clear(&err);
    if (seckit_s3_copy_object(aws, &res, &req, &err) != 0)
        return fail(e, to_name, &err);
    return 0;
}

/* mv: the source goes only once its copy is complete. */
static int delete_source(engine *e, seckit_aws *aws, const task *t, const char *from_name)
{
    if (t->kind == T_UPLOAD) {
        if (unlink(t->from) != 0)
            return fail_msg(e, EXIT_IO, "%s: copied, but not removed: %s", t->from,
                            strerror(errno));
        return 0;
    }
    seckit_error err;
    seckit_error_clear(&err);
    if (seckit_s3_delete_object(aws, e->src->bucket, t->from, &err) != 0) {
        char what[1300];
        snprintf(what, sizeof(what), "%s: copied, but not deleted", from_name);
        return fail(e, what, &err);
    }
    return 0;
}

static void run_task(engine *e, seckit_aws *aws, task *t)
{
    char from[1200], to[1200];
    name_of(e, t, 0, from, sizeof(from));
    int rc = 0;
    switch (t->kind) {
    case T_DELETE_S3: {
        seckit_error err;
        seckit_error_clear(&err);
        name_of(e, t, 1, from, sizeof(from));
        if (seckit_s3_delete_object(aws, e->dst->bucket, t->from, &err) != 0)
            fail(e, from, &err);
        else
            say(e, "delete: %s\n", from);
        return;
    }
    case T_DELETE_LOCAL:
        if (unlink(t->from) != 0 && errno != ENOENT)
            fail_msg(e, EXIT_IO, "%s: %s", t->from, strerror(errno));
        else
            say(e, "delete: %s\n", t->from);
        return;
    case T_UPLOAD:
        name_of(e, t, 1, to, sizeof(to));
        rc = do_upload(e, aws, t, to);
        break;
    case T_DOWNLOAD:
        name_of(e, t, 1, to, sizeof(to));
        rc = do_download(e, aws, t);
        break;
    case T_COPY:
        name_of(e, t, 1, to, sizeof(to));
        rc = do_copy(e, aws, t, to);
        break;
    }
    if (rc != 0)
        return;
    if (e->x->verb == CLI_S3_MV && delete_source(e, aws, t, from) != 0)
        return;
    if (e->x->enc == NULL || e->x->verb == CLI_S3_MV)
        say(e, "%s: %s to %s\n", op_word(e, t->kind), from, to);
}

/* ---- the workers --------------------------------------------------------------- */

typedef struct worker {
    engine *e;
    seckit_aws *aws;
    pthread_t th;
    int started;
} worker;

static void finished(engine *e, const task *t)
{
    pthread_mutex_lock(&e->mu);
    e->done++;
    if (t->size > 0)
        e->bytes_done += t->size;
    pthread_mutex_unlock(&e->mu);
}

static void *work(void *arg)
{
    worker *w = arg;
    engine *e = w->e;
    for (;;) {
        pthread_mutex_lock(&e->mu);
        size_t i = e->next < e->n ? e->next++ : e->n;
        pthread_mutex_unlock(&e->mu);
        if (i == e->n)
            break;
        run_task(e, w->aws, &e->t[i]);
        finished(e, &e->t[i]);
    }
    return NULL;
}

/* The workers' clients: the main client's settings and its resolved
 * credentials (so a role is assumed, or an MFA code asked for, once), one
 * connection pool. */
static int make_workers(engine *e, worker *w, unsigned n, seckit_aws_pool **pool)
{
    const cli_s3_xfer *x = e->x;
    seckit_error err;
    seckit_error_clear(&err);
    seckit_aws_credentials creds;
    memset(&creds, 0, sizeof(creds));
    if (seckit_aws_get_credentials(x->aws, &creds, &err) != 0)
        return fail(e, "credentials", &err);
    if (seckit_aws_pool_new(pool, &err) != 0) {
        seckit_aws_credentials_wipe(&creds);
        return fail(e, "connection pool", &err);
    }
    seckit_aws_options opts = *x->aws_opts;
    opts.credentials = &creds;
    int rc = 0;
    for (unsigned i = 0; i < n && rc == 0; i++) {
        w[i].e = e;
        if (seckit_aws_new(&w[i].aws, &opts, &err) != 0)
            rc = fail(e, "client", &err);
        else
            seckit_aws_set_pool(w[i].aws, *pool);
    }
    seckit_aws_credentials_wipe(&creds);
    return rc;
}

static void run_plan(engine *e)
{
    const cli_s3_xfer *x = e->x;
    unsigned n = x->concurrency;
    if (x->enc != NULL || n < 1)
        n = 1; /* one keyring: encrypted transfers go one at a time */
    if ((size_t)n > e->n)
        n = (unsigned)e->n;
    if (n <= 1) {
        for (size_t i = 0; i < e->n; i++) {
            run_task(e, x->aws, &e->t[i]);
            finished(e, &e->t[i]);
            draw_progress(e);
        }
        return;
    }
    worker *w = calloc(n, sizeof(*w));
    seckit_aws_pool *pool = NULL;
    if (w == NULL) {
        fail_msg(e, EXIT_IO, "out of memory");
        return;
    }
    if (make_workers(e, w, n, &pool) == 0) {
        for (unsigned i = 0; i < n; i++)
            w[i].started = pthread_create(&w[i].th, NULL, work, &w[i]) == 0;
        int any = 0;
        for (unsigned i = 0; i < n; i++)
            any |= w[i].started;
        if (!any) {
            fail_msg(e, EXIT_IO, "cannot start the transfer threads");
        } else {
            for (;;) {
                pthread_mutex_lock(&e->mu);
                int all = e->done == e->n;
                pthread_mutex_unlock(&e->mu);
                draw_progress(e);
                if (all)
                    break;
                struct timespec ts = {0, 100 * 1000 * 1000};
                nanosleep(&ts, NULL);
            }
        }
        for (unsigned i = 0; i < n; i++)
            if (w[i].started)
                pthread_join(w[i].th, NULL);
    }
    for (unsigned i = 0; i < n; i++)
        seckit_aws_free(w[i].aws);
    seckit_aws_pool_free(pool);
    free(w);
}

int cli_s3_transfer(const cli_s3_xfer *x, const cli_s3_place *src, const cli_s3_place *dst)
{
    engine e;
    memset(&e, 0, sizeof(e));
    e.x = x;
    e.src = src;
    e.dst = dst;
    if (pthread_mutex_init(&e.mu, NULL) != 0) {
        cli_message(x->sub, "cannot make a lock");
        return EXIT_IO;
    }
    e.progress_on = x->progress && !x->quiet && !x->only_errors && !x->dryrun && isatty(2);
    int rc = plan(&e);
    if (rc == 0 && x->dryrun) {
        for (size_t i = 0; i < e.n; i++) {
            char from[1200], to[1200];
            const task *t = &e.t[i];
            name_of(&e, t, 0, from, sizeof(from));
            if (t->kind == T_DELETE_S3 || t->kind == T_DELETE_LOCAL) {
                name_of(&e, t, 1, from, sizeof(from));
                if (!x->quiet && !x->only_errors)
                    printf("(dryrun) delete: %s\n", from);
                continue;
            }
            name_of(&e, t, 1, to, sizeof(to));
            if (!x->quiet && !x->only_errors)
                printf("(dryrun) %s: %s to %s\n", op_word(&e, t->kind), from, to);
        }
    } else if (rc == 0) {
        run_plan(&e);
    }
    pthread_mutex_lock(&e.mu);
    clear_progress_locked(&e);
    pthread_mutex_unlock(&e.mu);
    for (size_t i = 0; i < e.n; i++) {
        free(e.t[i].from);
        free(e.t[i].to);
    }
    free(e.t);
    pthread_mutex_destroy(&e.mu);
    if (rc == 0 && fflush(stdout) != 0) {
        cli_message(x->sub, "writing to standard output failed: %s", strerror(errno));
        rc = EXIT_IO;
    }
    return rc != 0 ? rc : e.worst;
}

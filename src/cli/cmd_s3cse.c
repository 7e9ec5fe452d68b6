/* seckit s3 encrypt|decrypt: S3 client-side encryption offline.  See
 * cmd_s3cse.h.  Memory does not depend on the object's size, except when
 * decrypting to standard output without --delayed-authentication (held
 * back, at most --max-buffer bytes, until the tag verified). */
#include "config.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/cli/cli.h"
#include "src/cli/cmd_s3cse.h"

#define SUB "s3"
#define CHUNK ((size_t)256 * 1024)
#define META_FILE_MAX ((size_t)1 << 20)
#define INSTRUCTION_FILE_MAX ((size_t)1 << 20)
#define DEFAULT_MAX_BUFFER ((uint64_t)64 * 1024 * 1024)
#define META_MAX 256

enum { O_IN = 0x600, O_OUT, O_META_OUT, O_INSTR_OUT, O_META, O_INSTR, O_MAX_BUFFER };

typedef struct offline_args {
    int decrypt;
    cli_s3cse_opts k;
    seckit_aws_options aws_opts;
    const char *in, *out, *meta_out, *instr_out, *meta, *instr;
    uint64_t max_buffer;
} offline_args;

/* ---- small helpers ------------------------------------------------------ */

static int is_stdio(const char *p)
{
    return p == NULL || strcmp(p, "-") == 0;
}

static ssize_t read_some(int fd, uint8_t *buf, size_t n)
{
    ssize_t r;
    do
        r = read(fd, buf, n);
    while (r < 0 && errno == EINTR);
    return r;
}

static int open_input(const char *path, int *fd, seckit_error *err)
{
    if (is_stdio(path)) {
        *fd = STDIN_FILENO;
        return 0;
    }
    *fd = open(path, O_RDONLY | O_CLOEXEC);
    if (*fd < 0)
        return seckit_error_set(err, errno == ENOENT ? SECKIT_ENOENT : SECKIT_EIO,
                                "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(*fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(*fd);
        *fd = -1;
        return seckit_error_set(err, SECKIT_EIO, "%s is a folder", path);
    }
    return 0;
}

/* ---- metadata files ----------------------------------------------------- */

/* Object metadata as the JSON map `aws s3 cp --metadata file://` takes. */
static int write_meta_json(seckit_atomic_file *f, const seckit_s3cse_meta *m, seckit_error *err)
{
    cJSON *obj = cJSON_CreateObject();
    int rc = 0;
    if (obj == NULL)
        return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    for (size_t i = 0; i < m->count && rc == 0; i++)
        if (cJSON_AddStringToObject(obj, m->kv[i].name, m->kv[i].value) == NULL)
            rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    char *text = rc == 0 ? cJSON_Print(obj) : NULL;
    if (rc == 0 && text == NULL)
        rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    if (rc == 0)
        rc = seckit_atomic_write(f, text, strlen(text), err);
    if (rc == 0)
        rc = seckit_atomic_write(f, "\n", 1, err);
    cJSON_free(text);
    cJSON_Delete(obj);
    return rc;
}

typedef struct meta_list {
    seckit_s3cse_kv kv[META_MAX];
    char *owned[META_MAX]; /* the values RFC 2047-decoded */
    size_t n;
    cJSON *doc;
} meta_list;

/* A JSON map of strings, or head-object output (its "Metadata" member). */
static int read_meta_json(const char *path, meta_list *ml, seckit_error *err)
{
    uint8_t *text = NULL;
    size_t len = 0;
    int rc = seckit_file_read(&text, &len, path, META_FILE_MAX, err);
    memset(ml, 0, sizeof(*ml));
    if (rc != 0)
        return rc;
    const char *endp = NULL;
    /* len + 1: the NUL seckit_file_read adds (so trailing bytes are refused) */
    ml->doc = cJSON_ParseWithLengthOpts((const char *)text, len + 1, &endp, 1);
    free(text);
    if (ml->doc == NULL || !cJSON_IsObject(ml->doc))
        return seckit_error_set(err, SECKIT_EFORMAT,
                                "%s: not a JSON object (expected the "
                                "metadata map or head-object output)",
                                path);
    const cJSON *map = ml->doc;
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(ml->doc, "Metadata");
    if (m != NULL) {
        if (!cJSON_IsObject(m))
            return seckit_error_set(err, SECKIT_EFORMAT, "%s: \"Metadata\" is not an object", path);
        map = m;
    }
    const cJSON *it;
    cJSON_ArrayForEach(it, map)
    {
        if (!cJSON_IsString(it) || it->string == NULL)
            return seckit_error_set(err, SECKIT_EFORMAT,
                                    "%s: metadata \"%.80s\" is not a "
                                    "string",
                                    path, it->string != NULL ? it->string : "?");
        if (ml->n == META_MAX)
            return seckit_error_set(err, SECKIT_ELIMIT, "%s: more than %d metadata entries", path,
                                    META_MAX);
        /* head-object output shows non-ASCII values as S3 sends them
         * (RFC 2047 encoded words): decoded as the S3 layer does */
        int rc2 = seckit_s3_meta_value_decode(&ml->owned[ml->n], it->valuestring, err);
        if (rc2 != 0)
            return rc2;
        ml->kv[ml->n].name = it->string;
        ml->kv[ml->n].value = ml->owned[ml->n];
        ml->n++;
    }
    return 0;
}

static void meta_list_free(meta_list *ml)
{
    for (size_t i = 0; i < META_MAX; i++) {
        free(ml->owned[i]);
        ml->owned[i] = NULL;
    }
    cJSON_Delete(ml->doc);
    ml->doc = NULL;
    ml->n = 0;
}

/* ---- AWS (KMS keys only) -------------------------------------------------- */

static int need_aws(const cli_s3cse_opts *k)
{
    for (size_t i = 0; i < k->n_keys; i++)
        if (k->keys[i].kind == CLI_S3CSE_KEY_KMS)
            return 1;
    return 0;
}

/* ---- encrypt -------------------------------------------------------------- */

static int run_encrypt(offline_args *a, seckit_s3cse_keyring *kr, seckit_error *err)
{
    seckit_s3cse_options opts;
    seckit_s3cse_meta meta = {0};
    seckit_s3cse_encryptor *e = NULL;
    seckit_atomic_file *body = NULL, *mf = NULL, *inf = NULL;
    uint8_t *buf = NULL;
    int fd = -1, rc;
    const char *name = is_stdio(a->in) ? "standard input" : a->in;

    cli_s3cse_options_fill(&a->k, &opts);
    opts.instruction_file = a->instr_out != NULL;
    if ((rc = open_input(a->in, &fd, err)) != 0)
        return rc;
    struct stat st;
    if (opts.envelope == SECKIT_S3CSE_ENVELOPE_V2 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
        opts.plaintext_length = (int64_t)st.st_size;
    if ((buf = malloc(CHUNK)) == NULL) {
        rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
        goto done;
    }
    if ((!is_stdio(a->out) &&
         (rc = seckit_atomic_open(&body, a->out, 0644, SECKIT_FILE_OVERWRITE, err)) != 0) ||
        (rc = seckit_atomic_open(&mf, a->meta_out, 0644, SECKIT_FILE_OVERWRITE, err)) != 0 ||
        (a->instr_out != NULL &&
         (rc = seckit_atomic_open(&inf, a->instr_out, 0644, SECKIT_FILE_OVERWRITE, err)) != 0))
        goto done;
    if ((rc = seckit_s3cse_encryptor_new(&e, &meta, &opts, kr, err)) != 0)
        goto done;
    for (;;) {
        ssize_t r = read_some(fd, buf, CHUNK);
        if (r < 0) {
            rc = seckit_error_set(err, SECKIT_EIO, "%s: read failed: %s", name, strerror(errno));
            break;
        }
        if (r == 0)
            break;
        if ((rc = seckit_s3cse_encryptor_update(e, buf, buf, (size_t)r, err)) != 0)
            break;
        rc = body != NULL ? seckit_atomic_write(body, buf, (size_t)r, err)
                          : cli_write_stdout(buf, (size_t)r, err);
        if (rc != 0)
            break;
    }
    uint8_t tag[SECKIT_S3CSE_TAG_LEN];
    if (rc == 0)
        rc = seckit_s3cse_encryptor_final(e, tag, err);
    if (rc == 0)
        rc = body != NULL ? seckit_atomic_write(body, tag, sizeof(tag), err)
                          : cli_write_stdout(tag, sizeof(tag), err);
    if (rc == 0)
        rc = write_meta_json(mf, &meta, err);
    if (rc == 0 && inf != NULL) {
        if (meta.instruction == NULL)
            rc = seckit_error_set(err, SECKIT_EINTERNAL, "no instruction file was made");
        else
            rc = seckit_atomic_write(inf, meta.instruction, meta.instruction_len, err);
    }
    /* Everything is written: put the files in place (the body last, so a
     * body never appears without its metadata). */
    if (rc == 0 && inf != NULL) {
        rc = seckit_atomic_commit(inf, err);
        inf = NULL;
    }
    if (rc == 0) {
        rc = seckit_atomic_commit(mf, err);
        mf = NULL;
    }
    if (rc == 0 && body != NULL) {
        rc = seckit_atomic_commit(body, err);
        body = NULL;
    }
done:
    seckit_atomic_abort(body);
    seckit_atomic_abort(mf);
    seckit_atomic_abort(inf);
    seckit_s3cse_encryptor_free(e);
    seckit_s3cse_meta_free(&meta);
    if (buf != NULL) {
        seckit_memzero(buf, CHUNK);
        free(buf);
    }
    if (fd > STDIN_FILENO)
        close(fd);
    return rc;
}

/* ---- decrypt -------------------------------------------------------------- */

/* Where authenticated (or, with --delayed-authentication, not yet
 * authenticated) plaintext goes. */
typedef struct pt_sink {
    seckit_atomic_file *file; /* --out FILE */
    int stream;               /* stdout with --delayed-authentication */
    uint8_t *mem;             /* stdout: held until the tag verified (wiped) */
    size_t len, cap;
    uint64_t max;
    int wrote; /* stream: bytes already went out */
} pt_sink;

static int too_big(seckit_error *err, uint64_t max)
{
    return seckit_error_set(err, SECKIT_ELIMIT,
                            "the plaintext is larger than --max-buffer (%llu bytes), the most "
                            "held in memory until the tag is checked: decrypt to a file with "
                            "--out, raise --max-buffer, or accept --delayed-authentication",
                            (unsigned long long)max);
}

static int sink_put(pt_sink *s, const uint8_t *p, size_t n, seckit_error *err)
{
    if (n == 0)
        return 0;
    if (s->file != NULL)
        return seckit_atomic_write(s->file, p, n, err);
    if (s->stream) {
        s->wrote = 1;
        return cli_write_stdout(p, n, err);
    }
    if ((uint64_t)s->len + n > s->max)
        return too_big(err, s->max);
    return cli_held_append(&s->mem, &s->len, &s->cap, (size_t)s->max, p, n, err);
}

static void sink_discard(pt_sink *s)
{
    seckit_atomic_abort(s->file);
    s->file = NULL;
    seckit_secret_free(s->mem); /* wiped */
    s->mem = NULL;
    s->len = s->cap = 0;
}

static int sink_commit(pt_sink *s, seckit_error *err)
{
    int rc = 0;
    if (s->file != NULL) {
        rc = seckit_atomic_commit(s->file, err);
        s->file = NULL;
    } else if (!s->stream) {
        rc = cli_write_stdout(s->mem, s->len, err);
    }
    sink_discard(s);
    return rc;
}

static int run_decrypt(offline_args *a, seckit_s3cse_keyring *kr, int *streamed, seckit_error *err)
{
    seckit_s3cse_options opts;
    seckit_s3cse_decryptor *d = NULL;
    meta_list ml;
    pt_sink sink = {.max = a->max_buffer};
    uint8_t *instr = NULL, *buf = NULL, *out = NULL;
    size_t instr_len = 0;
    int fd = -1, rc;
    const char *name = is_stdio(a->in) ? "standard input" : a->in;

    *streamed = 0;
    cli_s3cse_options_fill(&a->k, &opts);
    if ((rc = read_meta_json(a->meta, &ml, err)) != 0)
        goto done;
    seckit_s3cse_location loc;
    if ((rc = seckit_s3cse_detect(&loc, ml.kv, ml.n, err)) != 0) {
        seckit_error_prefix(err, a->meta);
        goto done;
    }
    if (a->instr != NULL) {
        if ((rc = seckit_file_read(&instr, &instr_len, a->instr, INSTRUCTION_FILE_MAX, err)) != 0)
            goto done;
    } else if (loc == SECKIT_S3CSE_LOC_INSTRUCTION_FILE ||
               loc == SECKIT_S3CSE_LOC_V3_INSTRUCTION_FILE) {
        rc = seckit_error_set(err, SECKIT_EINVAL,
                              "%s: the envelope is not in the object metadata: give the "
                              "object's instruction file (KEY.instruction) with "
                              "--instruction-file FILE",
                              a->meta);
        goto done;
    }
    if ((rc = open_input(a->in, &fd, err)) != 0)
        goto done;
    if (is_stdio(a->out) && !a->k.delayed_auth) {
        /* Refuse early what cannot fit, rather than after reading it. */
        struct stat st;
        if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
            (uint64_t)st.st_size > a->max_buffer + SECKIT_S3CSE_TAG_LEN) {
            rc = too_big(err, a->max_buffer);
            goto done;
        }
    }
    buf = malloc(CHUNK);
    out = malloc(CHUNK + 32);
    if (buf == NULL || out == NULL) {
        rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
        goto done;
    }
    if (!is_stdio(a->out) &&
        (rc = seckit_atomic_open(&sink.file, a->out, 0600, SECKIT_FILE_OVERWRITE, err)) != 0)
        goto done;
    sink.stream = sink.file == NULL && a->k.delayed_auth;
    if ((rc = seckit_s3cse_decryptor_new(&d, &opts, kr, ml.kv, ml.n, (const char *)instr, instr_len,
                                         err)) != 0)
        goto done;
    for (;;) {
        ssize_t r = read_some(fd, buf, CHUNK);
        if (r < 0) {
            rc = seckit_error_set(err, SECKIT_EIO, "%s: read failed: %s", name, strerror(errno));
            break;
        }
        if (r == 0)
            break;
        size_t n = 0;
        if ((rc = seckit_s3cse_decryptor_update(d, out, &n, buf, (size_t)r, err)) != 0 ||
            (rc = sink_put(&sink, out, n, err)) != 0)
            break;
    }
    if (rc == 0) {
        size_t n = 0;
        rc = seckit_s3cse_decryptor_final(d, out, &n, err);
        if (rc == 0)
            rc = sink_put(&sink, out, n, err);
    }
    if (rc == 0)
        rc = sink_commit(&sink, err);
done:
    *streamed = sink.wrote;
    sink_discard(&sink);
    seckit_s3cse_decryptor_free(d);
    meta_list_free(&ml);
    free(instr);
    free(buf);
    if (out != NULL) {
        seckit_memzero(out, CHUNK + 32);
        free(out);
    }
    if (fd > STDIN_FILENO)
        close(fd);
    return rc;
}

/* ---- options -------------------------------------------------------------- */

static int check_args(offline_args *a)
{
    int rc = cli_s3cse_opts_check(&a->k, SUB, a->decrypt ? CLI_S3CSE_DECRYPT : CLI_S3CSE_ENCRYPT);
    if (rc != 0)
        return rc;
    if (a->decrypt) {
        if (a->meta_out != NULL || a->instr_out != NULL)
            return cli_usage_error(SUB, "--metadata-out and --instruction-file-out are for "
                                        "encrypt");
        if (a->meta == NULL)
            return cli_usage_error(SUB, "decrypt needs --metadata FILE (the object metadata "
                                        "as JSON)");
    } else {
        if (a->instr != NULL)
            return cli_usage_error(SUB, "--instruction-file FILE is for decrypt (encrypt "
                                        "writes the instruction file to "
                                        "--instruction-file-out FILE)");
        if (a->meta != NULL)
            return cli_usage_error(SUB, "--metadata is for decrypt (encrypt writes "
                                        "--metadata-out FILE)");
        if (a->max_buffer != DEFAULT_MAX_BUFFER)
            return cli_usage_error(SUB, "--max-buffer is for decrypt");
        if (a->meta_out == NULL)
            return cli_usage_error(SUB, "encrypt needs --metadata-out FILE (where the object "
                                        "metadata goes)");
    }
    if (!is_stdio(a->in) && !is_stdio(a->out) && strcmp(a->in, a->out) == 0)
        return cli_usage_error(SUB, "--in and --out name the same file");
    const char *outs[] = {a->out, a->meta_out, a->instr_out};
    for (size_t i = 0; i < 3; i++)
        for (size_t j = i + 1; j < 3; j++)
            if (outs[i] != NULL && outs[j] != NULL && !is_stdio(outs[i]) &&
                strcmp(outs[i], outs[j]) == 0)
                return cli_usage_error(SUB, "two outputs name the same file '%s'", outs[i]);
    if ((a->meta_out != NULL && is_stdio(a->meta_out)) ||
        (a->instr_out != NULL && is_stdio(a->instr_out)))
        return cli_usage_error(SUB, "--metadata-out and --instruction-file-out need a file");
    return 0;
}

int cli_s3cse_offline_run(int argc, char **argv)
{
    static const struct option options[] = {
        CLI_S3CSE_LONG_OPTIONS,
        CLI_AWS_LONG_OPTIONS,
        {"in", required_argument, NULL, O_IN},
        {"out", required_argument, NULL, O_OUT},
        {"metadata-out", required_argument, NULL, O_META_OUT},
        {"instruction-file-out", required_argument, NULL, O_INSTR_OUT},
        {"metadata", required_argument, NULL, O_META},
        {"instruction-file", required_argument, NULL, O_INSTR},
        {"max-buffer", required_argument, NULL, O_MAX_BUFFER},
        {"buffer-limit", required_argument, NULL, O_MAX_BUFFER}, /* cp's name for it */
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    offline_args a;
    seckit_error err;
    int c, rc;

    memset(&a, 0, sizeof(a));
    cli_s3cse_opts_init(&a.k);
    a.aws_opts = (seckit_aws_options)SECKIT_AWS_OPTIONS_INIT;
    cli_aws_global(&a.aws_opts);
    a.decrypt = strcmp(argv[0], "decrypt") == 0;
    a.max_buffer = DEFAULT_MAX_BUFFER;
    seckit_error_clear(&err);
    cli_opt_loop loop = {.sub = SUB,
                         .usage = "Usage:\n" CLI_S3CSE_OFFLINE_SYNOPSIS "\n" CLI_S3CSE_OFFLINE_USAGE
                                  "\n" CLI_S3CSE_OFFLINE_KEY_USAGE,
                         .options = options,
                         .aws = &a.aws_opts};
    while ((c = cli_next_option(&loop, argc, argv)) >= 0) {
        int r = cli_s3cse_option(&a.k, SUB, c, optarg);
        if (r == CLI_S3CSE_TAKEN)
            continue;
        if (r != CLI_S3CSE_NOT_OURS) {
            cli_s3cse_opts_free(&a.k);
            return r;
        }
        unsigned long long sz = 0; /* a SIZE option */
        switch (c) {
        case O_IN: a.in = optarg; break;
        case O_OUT: a.out = optarg; break;
        case O_META_OUT: a.meta_out = optarg; break;
        case O_INSTR_OUT: a.instr_out = optarg; break;
        case O_META: a.meta = optarg; break;
        case O_INSTR: a.instr = optarg; break;
        case O_MAX_BUFFER:
            if (cli_parse_size(optarg, SECKIT_S3CSE_GCM_MAX_PLAINTEXT, &sz) != 0 || sz == 0) {
                cli_s3cse_opts_free(&a.k);
                return cli_usage_error(SUB, "--max-buffer: '%s' is not a size such as 64MiB",
                                       optarg);
            }
            a.max_buffer = sz;
            break;
        }
    }
    if (c == CLI_OPT_STOP) {
        cli_s3cse_opts_free(&a.k);
        return loop.exit;
    }
    if (optind < argc) {
        cli_s3cse_opts_free(&a.k);
        return cli_usage_error(SUB, "%s: unexpected argument '%s'", argv[0], argv[optind]);
    }
    if ((rc = check_args(&a)) != 0) {
        cli_s3cse_opts_free(&a.k);
        return rc;
    }

    seckit_aws *aws = NULL;
    seckit_s3cse_keyring *kr = NULL;
    int streamed = 0;
    rc = 0;
    if (need_aws(&a.k))
        rc = seckit_aws_new(&aws, &a.aws_opts, &err);
    if (rc == 0)
        rc = cli_s3cse_keyring_build(&a.k, aws, &kr, &err);
    if (rc == 0)
        rc = a.decrypt ? run_decrypt(&a, kr, &streamed, &err) : run_encrypt(&a, kr, &err);
    seckit_s3cse_keyring_free(kr);
    seckit_aws_free(aws);
    cli_s3cse_opts_free(&a.k);
    if (rc == 0)
        return EXIT_OK_;
    rc = cli_fail(SUB, &err);
    if (streamed)
        cli_message(SUB, "the plaintext already written to standard output is NOT authentic: "
                         "discard it");
    return rc;
}

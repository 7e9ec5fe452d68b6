/* seckit fle: CloudFront field-level encryption: encrypt a form as
 * CloudFront does, decrypt it at the origin, check a configuration. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/cli/cli.h"

static const char usage[] =
    "Usage: seckit fle encrypt --public-key PEM --provider ID --key-name NAME\n"
    "                          --field PATTERN... [--in FILE] [--out FILE] [--force]\n"
    "       seckit fle encrypt --config FILE.json [--profile NAME]\n"
    "                          [--content-type TYPE] [--query STRING]\n"
    "                          [--in FILE] [--out FILE] [--force]\n"
    "       seckit fle decrypt (--raw-rsa-key SPEC... | --keys-dir DIR) [--field NAME]...\n"
    "                          [--lines [--threads N]] [--max-encrypted-data-keys N]\n"
    "                          [--allow-identity-kdf] [--allow-insecure-key-file]\n"
    "                          [--in FILE] [--out FILE] [--force]\n"
    "       seckit fle decrypt-value (--raw-rsa-key SPEC... | --keys-dir DIR)\n"
    "                          [--in FILE | VALUE] [--out FILE] [--force] [...]\n"
    "       seckit fle check-config FILE.json\n"
    "\n"
    "CloudFront field-level encryption (FLE) of application/x-www-form-urlencoded\n"
    "bodies.  'encrypt' does what CloudFront does at the edge: each field whose name\n"
    "matches a profile's pattern is replaced by an AWS Encryption SDK message (suite\n"
    "0x0178, empty encryption context, one RSA-OAEP-SHA256 encrypted data key whose\n"
    "provider id is the ProviderId and whose key name is the public key's Name),\n"
    "base64, percent-encoded; every other byte of the body is kept.  'decrypt' does\n"
    "the origin's part.  A body's trailing newline is kept as it is.  Output is\n"
    "written only when everything succeeded (files atomically).\n"
    "\n"
    "Encrypt options:\n"
    "  --public-key FILE       the RSA-2048 public key (PEM) CloudFront holds\n"
    "  --provider ID           the profile's ProviderId (EDK provider id)\n"
    "  --key-name NAME         the public key's Name in CloudFront (EDK key name)\n"
    "  --field PATTERN         a field name, or a prefix followed by '*' (repeatable;\n"
    "                          case-sensitive; at most 10)\n"
    "  --config FILE.json      public keys, profiles and FieldLevelEncryptionConfig in\n"
    "                          CloudFront's shapes (see seckit-fle(1))\n"
    "  --profile NAME          use this profile (Name or Id) instead of selecting one\n"
    "  --content-type TYPE     the request's content type (default\n"
    "                          application/x-www-form-urlencoded)\n"
    "  --query STRING          the request's query string (fle-profile=... selects a\n"
    "                          profile)\n"
    "\n"
    "Decrypt options:\n"
    "  --raw-rsa-key SPEC      namespace=PROVIDER,name=KEYNAME,file=PRIVATE.pem\n"
    "                          [,padding=oaep-sha256|oaep-sha1|oaep-sha384|oaep-sha512|\n"
    "                          pkcs1] (repeatable; padding defaults to oaep-sha256)\n"
    "  --keys-dir DIR          every DIR/PROVIDER/KEYNAME.pem (private keys, OAEP-SHA256)\n"
    "  --field NAME            decrypt only this field (repeatable; it must be present\n"
    "                          and encrypted); default: every encrypted field\n"
    "  --lines                 each input line is one form body (batch use)\n"
    "  --threads N             with --lines, decrypt with N threads (default 1)\n"
    "  --max-encrypted-data-keys N  accept messages with up to N EDKs (default 1)\n"
    "  --allow-identity-kdf    also accept suites 0x0014, 0x0046, 0x0078\n"
    "  --allow-insecure-key-file  accept key files others can read\n"
    "\n"
    "Common options:\n"
    "  --in FILE               read the body (or value) from FILE (default: stdin)\n"
    "  --out FILE              write the result to FILE (default: stdout)\n"
    "  --force                 overwrite an existing --out file\n"
    "  -h, --help              show this help\n"
    "\n"
    "Exit status: 0 ok, 2 usage, 3 malformed input, unknown key or refused by the\n"
    "configuration, 4 authentication failure, 5 I/O error.\n";

static const char *sub = "fle";

#define MAX_BATCH_INPUT ((size_t)1 << 30)

/* ---- input and output */

static int read_input(const char *path, size_t max, uint8_t **out, size_t *out_len,
                      seckit_error *err)
{
    if (path != NULL && strcmp(path, "-") != 0)
        return seckit_file_read(path, max, out, out_len, err);
    size_t cap = 65536, len = 0;
    uint8_t *buf = malloc(cap + 1);
    if (buf == NULL)
        return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    for (;;) {
        if (len == cap) {
            if (cap >= max + 1) {
                free(buf);
                return seckit_error_set(err, SECKIT_ELIMIT,
                                        "standard input: more than %zu bytes", max);
            }
            size_t ncap = cap * 2 > max + 1 ? max + 1 : cap * 2;
            uint8_t *nb = realloc(buf, ncap + 1);
            if (nb == NULL) {
                free(buf);
                return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
            }
            buf = nb;
            cap = ncap;
        }
        size_t n = fread(buf + len, 1, cap - len, stdin);
        len += n;
        if (n == 0) {
            if (ferror(stdin)) {
                free(buf);
                return seckit_error_set(err, SECKIT_EIO, "standard input: read error");
            }
            break;
        }
    }
    if (len > max) {
        free(buf);
        return seckit_error_set(err, SECKIT_ELIMIT, "standard input: more than %zu bytes", max);
    }
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    return 0;
}

/* Length of a trailing "\n" or "\r\n". */
static size_t trailing_newline(const uint8_t *p, size_t n)
{
    if (n >= 2 && p[n - 2] == '\r' && p[n - 1] == '\n')
        return 2;
    if (n >= 1 && p[n - 1] == '\n')
        return 1;
    return 0;
}

/* Write the pieces to --out atomically, or to stdout. */
static int write_output(const char *path, unsigned flags, const void *a, size_t an,
                        const void *b, size_t bn, seckit_error *err)
{
    if (path == NULL || strcmp(path, "-") == 0) {
        if ((an > 0 && fwrite(a, 1, an, stdout) != an) ||
            (bn > 0 && fwrite(b, 1, bn, stdout) != bn))
            return seckit_error_set(err, SECKIT_EIO, "cannot write to standard output");
        return 0;
    }
    seckit_atomic_file *f = NULL;
    int rc = seckit_atomic_open(&f, path, 0600, flags, err);
    if (rc == 0 && an > 0)
        rc = seckit_atomic_write(f, a, an, err);
    if (rc == 0 && bn > 0)
        rc = seckit_atomic_write(f, b, bn, err);
    if (rc == 0) {
        rc = seckit_atomic_commit(f, err);
        f = NULL;
    }
    seckit_atomic_abort(f);
    return rc;
}

/* ---- encrypt */

#define MAX_FIELDS 16

static int run_encrypt(int argc, char **argv)
{
    static const struct option options[] = {
        {"public-key", required_argument, NULL, 'k'},
        {"provider", required_argument, NULL, 'p'},
        {"key-name", required_argument, NULL, 'n'},
        {"field", required_argument, NULL, 'f'},
        {"config", required_argument, NULL, 'c'},
        {"profile", required_argument, NULL, 'P'},
        {"content-type", required_argument, NULL, 't'},
        {"query", required_argument, NULL, 'q'},
        {"in", required_argument, NULL, 'i'},
        {"out", required_argument, NULL, 'o'},
        {"force", no_argument, NULL, 'F'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *pubkey = NULL, *provider = NULL, *key_name = NULL, *config = NULL,
               *profile_name = NULL, *content_type = NULL, *query = NULL, *in = NULL,
               *out = NULL;
    const char *fields[MAX_FIELDS];
    size_t n_fields = 0;
    unsigned flags = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (c) {
        case 'k': pubkey = optarg; break;
        case 'p': provider = optarg; break;
        case 'n': key_name = optarg; break;
        case 'f':
            if (n_fields == MAX_FIELDS)
                return cli_usage_error(sub, "too many --field options (CloudFront allows 10)");
            fields[n_fields++] = optarg;
            break;
        case 'c': config = optarg; break;
        case 'P': profile_name = optarg; break;
        case 't': content_type = optarg; break;
        case 'q': query = optarg; break;
        case 'i': in = optarg; break;
        case 'o': out = optarg; break;
        case 'F': flags |= SECKIT_FILE_OVERWRITE; break;
        case 'h': fputs(usage, stdout); return EXIT_OK_;
        default: return cli_bad_option(sub, c, argv);
        }
    }
    if (optind < argc)
        return cli_usage_error(sub, "unexpected argument '%s'", argv[optind]);
    int direct = pubkey != NULL || provider != NULL || key_name != NULL || n_fields > 0;
    if (direct && config != NULL)
        return cli_usage_error(sub, "give either --config or --public-key/--provider/"
                                    "--key-name/--field, not both");
    if (!direct && config == NULL)
        return cli_usage_error(sub, "encrypt needs --config FILE.json or --public-key, "
                                    "--provider, --key-name and --field");
    if (direct && (pubkey == NULL || provider == NULL || key_name == NULL || n_fields == 0))
        return cli_usage_error(sub, "--public-key, --provider, --key-name and at least one "
                                    "--field are all required");
    if (!direct && profile_name != NULL && (content_type != NULL || query != NULL))
        return cli_usage_error(sub, "--profile and --content-type/--query do not go together");
    if (direct && (profile_name != NULL || content_type != NULL || query != NULL))
        return cli_usage_error(sub, "--profile, --content-type and --query need --config");

    seckit_error err;
    seckit_error_clear(&err);
    seckit_fle_config *cfg = NULL;
    seckit_fle_profile *own = NULL;
    const seckit_fle_profile *profile = NULL;
    uint8_t *text = NULL, *body = NULL;
    size_t text_len = 0, body_len = 0, out_len = 0, n_enc = 0;
    char *result = NULL;
    int rc;

    if (direct) {
        rc = seckit_file_read(pubkey, 65536, &text, &text_len, &err);
        if (rc == 0)
            rc = seckit_fle_profile_new(&own, (const char *)text, text_len, provider, key_name,
                                        fields, n_fields, &err);
        if (rc != 0)
            seckit_error_prefix(&err, pubkey);
        profile = own;
    } else {
        rc = seckit_file_read(config, SECKIT_FLE_MAX_BODY, &text, &text_len, &err);
        if (rc == 0)
            rc = seckit_fle_config_parse(&cfg, (const char *)text, text_len, &err);
        if (rc != 0) {
            seckit_error_prefix(&err, config);
        } else if (profile_name != NULL) {
            rc = seckit_fle_config_profile(cfg, profile_name, &profile, &err);
        } else {
            seckit_fle_selection sel;
            rc = seckit_fle_select(cfg, content_type, query, &sel, &err);
            if (rc == 0 && sel.action == SECKIT_FLE_FORWARD)
                cli_message(sub, "%s", sel.reason);
            if (rc == 0)
                profile = sel.profile; /* NULL: forward unchanged */
        }
    }
    if (rc == 0)
        rc = read_input(in, SECKIT_FLE_MAX_BODY + 2, &body, &body_len, &err);
    if (rc == 0) {
        size_t nl = trailing_newline(body, body_len);
        if (profile == NULL) {
            rc = write_output(out, flags, body, body_len, NULL, 0, &err);
        } else {
            rc = seckit_fle_encrypt_body(profile, body, body_len - nl, &result, &out_len, &n_enc,
                                         &err);
            if (rc == 0)
                rc = write_output(out, flags, result, out_len, body + body_len - nl, nl, &err);
        }
    }
    seckit_secret_free(result);
    if (body != NULL)
        seckit_memzero(body, body_len);
    free(body);
    free(text);
    seckit_fle_profile_free(own);
    seckit_fle_config_free(cfg);
    return rc == 0 ? EXIT_OK_ : cli_fail(sub, &err);
}

/* ---- keys */

/* namespace=NS,name=NAME,file=PATH[,padding=PAD] */
static int add_key_spec(seckit_fle_decryptor *d, const char *spec, int allow_insecure,
                        seckit_error *err)
{
    char buf[1024];
    const char *ns = NULL, *name = NULL, *file = NULL, *pad = NULL;
    if (strlen(spec) >= sizeof(buf))
        return seckit_error_set(err, SECKIT_EINVAL, "--raw-rsa-key: spec too long");
    strcpy(buf, spec);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok != NULL;
         tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        if (eq == NULL)
            return seckit_error_set(err, SECKIT_EINVAL,
                                    "--raw-rsa-key: '%s' is not KEY=VALUE (keys: namespace, "
                                    "name, file, padding)",
                                    tok);
        *eq = '\0';
        const char **slot = strcmp(tok, "namespace") == 0 ? &ns
                            : strcmp(tok, "name") == 0    ? &name
                            : strcmp(tok, "file") == 0    ? &file
                            : strcmp(tok, "padding") == 0 ? &pad
                                                          : NULL;
        if (slot == NULL)
            return seckit_error_set(err, SECKIT_EINVAL,
                                    "--raw-rsa-key: unknown key '%s' (keys: namespace, name, "
                                    "file, padding)",
                                    tok);
        if (*slot != NULL)
            return seckit_error_set(err, SECKIT_EINVAL, "--raw-rsa-key: '%s' given twice", tok);
        *slot = eq + 1;
    }
    if (ns == NULL || name == NULL || file == NULL)
        return seckit_error_set(err, SECKIT_EINVAL,
                                "--raw-rsa-key: needs namespace=PROVIDER, name=KEYNAME and "
                                "file=PRIVATE.pem");
    seckit_rsa_padding padding = SECKIT_RSA_OAEP_SHA256;
    int rc;
    if (pad != NULL && (rc = seckit_rsa_padding_parse(pad, &padding, err)) != 0)
        return rc;
    uint8_t *key = NULL;
    size_t key_len = 0;
    rc = seckit_keyfile_read(file, allow_insecure, 1 << 20, &key, &key_len, err);
    if (rc == 0) {
        rc = seckit_fle_decryptor_add_key(d, ns, name, key, key_len, padding, err);
        if (rc != 0)
            seckit_error_prefix(err, file);
    }
    seckit_secret_free(key);
    return rc;
}

/* DIR/PROVIDER/KEYNAME.pem */
static int add_keys_dir(seckit_fle_decryptor *d, const char *dir, int allow_insecure,
                        seckit_error *err)
{
    DIR *top = opendir(dir);
    if (top == NULL)
        return seckit_error_set(err, errno == ENOENT ? SECKIT_ENOENT : SECKIT_EIO,
                                "%s: cannot open the keys folder: %s", dir, strerror(errno));
    int rc = 0;
    struct dirent *pe;
    while (rc == 0 && (pe = readdir(top)) != NULL) {
        if (pe->d_name[0] == '.')
            continue;
        char pdir[4096];
        struct stat st;
        if (snprintf(pdir, sizeof(pdir), "%s/%s", dir, pe->d_name) >= (int)sizeof(pdir) ||
            stat(pdir, &st) != 0 || !S_ISDIR(st.st_mode))
            continue;
        DIR *pd = opendir(pdir);
        if (pd == NULL) {
            rc = seckit_error_set(err, SECKIT_EIO, "%s: cannot open: %s", pdir, strerror(errno));
            break;
        }
        struct dirent *ke;
        while (rc == 0 && (ke = readdir(pd)) != NULL) {
            size_t n = strlen(ke->d_name);
            if (ke->d_name[0] == '.' || n <= 4 || strcmp(ke->d_name + n - 4, ".pem") != 0)
                continue;
            char path[4096 + 256], name[256];
            if (snprintf(path, sizeof(path), "%s/%s", pdir, ke->d_name) >= (int)sizeof(path))
                continue;
            memcpy(name, ke->d_name, n - 4);
            name[n - 4] = '\0';
            uint8_t *key = NULL;
            size_t key_len = 0;
            rc = seckit_keyfile_read(path, allow_insecure, 1 << 20, &key, &key_len, err);
            if (rc == 0) {
                rc = seckit_fle_decryptor_add_key(d, pe->d_name, name, key, key_len,
                                                  SECKIT_RSA_OAEP_SHA256, err);
                if (rc != 0)
                    seckit_error_prefix(err, path);
            }
            seckit_secret_free(key);
        }
        closedir(pd);
    }
    closedir(top);
    if (rc == 0 && seckit_fle_decryptor_key_count(d) == 0)
        rc = seckit_error_set(err, SECKIT_ENOTFOUND,
                              "%s: no keys found (expected files PROVIDER/KEYNAME.pem)", dir);
    return rc;
}

/* ---- decrypt */

typedef struct line_job {
    const seckit_fle_decryptor *d;
    const char *const *fields;
    size_t n_fields;
    const uint8_t *input;
    const size_t *starts, *lens; /* per line */
    char **outs;
    size_t *out_lens;
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
        int rc = seckit_fle_decrypt_body(j->d, j->input + j->starts[i], j->lens[i], j->fields,
                                         j->n_fields, &j->outs[i], &j->out_lens[i], NULL,
                                         &j->err);
        if (rc != 0) {
            j->rc = rc;
            j->failed_line = i + 1;
            break;
        }
    }
    return NULL;
}

static int decrypt_batch(const seckit_fle_decryptor *d, const char *const *fields,
                         size_t n_fields, const uint8_t *input, size_t len, unsigned threads,
                         const char *out, unsigned flags, seckit_error *err)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += input[i] == '\n';
    if (len > 0 && input[len - 1] != '\n')
        n++;
    size_t *starts = calloc(n ? n : 1, sizeof(size_t)), *lens = calloc(n ? n : 1, sizeof(size_t));
    size_t *out_lens = calloc(n ? n : 1, sizeof(size_t));
    char **outs = calloc(n ? n : 1, sizeof(char *));
    line_job *jobs = calloc(threads, sizeof(line_job));
    pthread_t *tids = calloc(threads, sizeof(pthread_t));
    int rc = 0;
    if (starts == NULL || lens == NULL || out_lens == NULL || outs == NULL || jobs == NULL ||
        tids == NULL) {
        rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
        goto done;
    }
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
    size_t started = 0;
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
        j->first = t;
        j->step = threads;
        j->count = n;
        seckit_error_clear(&j->err);
        if (t == 0)
            continue; /* runs on this thread below */
        if (pthread_create(&tids[t], NULL, decrypt_lines, j) != 0) {
            rc = seckit_error_set(err, SECKIT_EIO, "cannot start a thread");
            break;
        }
        started = t;
    }
    if (rc == 0)
        decrypt_lines(&jobs[0]);
    for (unsigned t = 1; t <= started; t++)
        pthread_join(tids[t], NULL);
    if (rc != 0)
        goto done;
    /* Report the earliest failing line. */
    size_t worst = 0;
    for (unsigned t = 0; t < threads; t++)
        if (jobs[t].rc != 0 && (worst == 0 || jobs[t].failed_line < jobs[worst - 1].failed_line))
            worst = t + 1;
    if (worst != 0) {
        line_job *j = &jobs[worst - 1];
        char where[64];
        *err = j->err;
        snprintf(where, sizeof(where), "line %zu", j->failed_line);
        seckit_error_prefix(err, where);
        rc = j->rc;
        goto done;
    }
    /* Everything decrypted: assemble and write. */
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += out_lens[i] + 1;
    char *all = seckit_secret_alloc(total + 1);
    if (all == NULL) {
        rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
        goto done;
    }
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (out_lens[i] > 0)
            memcpy(all + o, outs[i], out_lens[i]);
        o += out_lens[i];
        all[o++] = '\n';
    }
    rc = write_output(out, flags, all, o, NULL, 0, err);
    seckit_secret_free(all);
done:
    if (outs != NULL)
        for (size_t i = 0; i < n; i++)
            seckit_secret_free(outs[i]);
    free(outs);
    free(out_lens);
    free(starts);
    free(lens);
    free(jobs);
    free(tids);
    return rc;
}

/* Percent-decode a value copied from a body (base64 never has '%'). */
static size_t percent_decode_inplace(char *s, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n) {
            char h[3] = {s[i + 1], s[i + 2], 0};
            char *end = NULL;
            long v = strtol(h, &end, 16);
            if (end == h + 2) {
                s[o++] = (char)v;
                i += 2;
                continue;
            }
        }
        s[o++] = s[i];
    }
    return o;
}

static int run_decrypt(int argc, char **argv, int value_mode)
{
    static const struct option options[] = {
        {"raw-rsa-key", required_argument, NULL, 'r'},
        {"keys-dir", required_argument, NULL, 'd'},
        {"field", required_argument, NULL, 'f'},
        {"lines", no_argument, NULL, 'l'},
        {"threads", required_argument, NULL, 'T'},
        {"max-encrypted-data-keys", required_argument, NULL, 'm'},
        {"allow-identity-kdf", no_argument, NULL, 'I'},
        {"allow-insecure-key-file", no_argument, NULL, 'A'},
        {"in", required_argument, NULL, 'i'},
        {"out", required_argument, NULL, 'o'},
        {"force", no_argument, NULL, 'F'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *specs[32], *fields[64], *keys_dir = NULL, *in = NULL, *out = NULL;
    size_t n_specs = 0, n_fields = 0;
    int lines = 0, allow_insecure = 0, threads_given = 0;
    unsigned long threads = 1, max_edks = 0;
    unsigned flags = 0;
    seckit_fle_decrypt_options opts;
    seckit_fle_decrypt_options_init(&opts);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (c) {
        case 'r':
            if (n_specs == 32)
                return cli_usage_error(sub, "too many --raw-rsa-key options (at most 32)");
            specs[n_specs++] = optarg;
            break;
        case 'd': keys_dir = optarg; break;
        case 'f':
            if (n_fields == 64)
                return cli_usage_error(sub, "too many --field options (at most 64)");
            fields[n_fields++] = optarg;
            break;
        case 'l': lines = 1; break;
        case 'T':
            if (cli_parse_uint(optarg, 1, 256, &threads) != 0)
                return cli_usage_error(sub, "--threads must be a number from 1 to 256");
            threads_given = 1;
            break;
        case 'm':
            if (cli_parse_uint(optarg, 1, 65535, &max_edks) != 0)
                return cli_usage_error(sub, "--max-encrypted-data-keys must be 1 to 65535");
            break;
        case 'I': opts.allow_identity_kdf = 1; break;
        case 'A': allow_insecure = 1; break;
        case 'i': in = optarg; break;
        case 'o': out = optarg; break;
        case 'F': flags |= SECKIT_FILE_OVERWRITE; break;
        case 'h': fputs(usage, stdout); return EXIT_OK_;
        default: return cli_bad_option(sub, c, argv);
        }
    }
    const char *value_arg = NULL;
    if (value_mode && optind < argc)
        value_arg = argv[optind++];
    if (optind < argc)
        return cli_usage_error(sub, "unexpected argument '%s'", argv[optind]);
    if ((n_specs == 0) == (keys_dir == NULL))
        return cli_usage_error(sub, "give --raw-rsa-key SPEC (repeatable) or --keys-dir DIR");
    if (value_mode && (lines || threads_given || n_fields > 0))
        return cli_usage_error(sub, "decrypt-value takes no --lines, --threads or --field");
    if (value_mode && value_arg != NULL && in != NULL)
        return cli_usage_error(sub, "give the value or --in FILE, not both");
    if (threads_given && !lines)
        return cli_usage_error(sub, "--threads needs --lines");
    opts.max_encrypted_data_keys = (unsigned)max_edks;

    seckit_error err;
    seckit_error_clear(&err);
    seckit_fle_decryptor *d = NULL;
    uint8_t *input = NULL;
    size_t input_len = 0;
    int rc = seckit_fle_decryptor_new(&d, &opts, &err);
    for (size_t i = 0; rc == 0 && i < n_specs; i++)
        rc = add_key_spec(d, specs[i], allow_insecure, &err);
    if (rc == 0 && keys_dir != NULL)
        rc = add_keys_dir(d, keys_dir, allow_insecure, &err);
    if (rc == 0) {
        if (value_arg != NULL) {
            input_len = strlen(value_arg);
            input = malloc(input_len + 1);
            if (input == NULL)
                rc = seckit_error_set(&err, SECKIT_ENOMEM, "out of memory");
            else
                memcpy(input, value_arg, input_len + 1);
        } else {
            rc = read_input(in, lines ? MAX_BATCH_INPUT : SECKIT_FLE_MAX_BODY + 2, &input,
                            &input_len, &err);
        }
    }
    if (rc == 0 && lines) {
        rc = decrypt_batch(d, fields, n_fields, input, input_len, (unsigned)threads, out, flags,
                           &err);
    } else if (rc == 0 && value_mode) {
        size_t nl = trailing_newline(input, input_len);
        size_t vlen = percent_decode_inplace((char *)input, input_len - nl);
        uint8_t *plain = NULL;
        size_t plain_len = 0;
        rc = seckit_fle_decrypt_value(d, (const char *)input, vlen, &plain, &plain_len, &err);
        if (rc == 0)
            rc = write_output(out, flags, plain, plain_len, NULL, 0, &err);
        seckit_secret_free(plain);
    } else if (rc == 0) {
        size_t nl = trailing_newline(input, input_len);
        char *result = NULL;
        size_t result_len = 0;
        rc = seckit_fle_decrypt_body(d, input, input_len - nl, fields, n_fields, &result,
                                     &result_len, NULL, &err);
        if (rc == 0)
            rc = write_output(out, flags, result, result_len, input + input_len - nl, nl, &err);
        seckit_secret_free(result);
    }
    free(input);
    seckit_fle_decryptor_free(d);
    return rc == 0 ? EXIT_OK_ : cli_fail(sub, &err);
}

/* ---- check-config */

static int run_check_config(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(usage, stdout);
        return EXIT_OK_;
    }
    if (argc != 2 || argv[1][0] == '-')
        return cli_usage_error(sub, "check-config takes one FILE.json");
    seckit_error err;
    seckit_error_clear(&err);
    uint8_t *text = NULL;
    size_t len = 0;
    seckit_fle_config *cfg = NULL;
    int rc = seckit_file_read(argv[1], SECKIT_FLE_MAX_BODY, &text, &len, &err);
    if (rc == 0)
        rc = seckit_fle_config_parse(&cfg, (const char *)text, len, &err);
    free(text);
    if (rc != 0) {
        seckit_error_prefix(&err, argv[1]);
        return cli_fail(sub, &err);
    }
    printf("%s: valid: %zu profile%s (", argv[1], seckit_fle_config_profile_count(cfg),
           seckit_fle_config_profile_count(cfg) == 1 ? "" : "s");
    for (size_t i = 0; i < seckit_fle_config_profile_count(cfg); i++)
        printf("%s%s", i ? ", " : "", seckit_fle_config_profile_name(cfg, i));
    printf(")%s\n", seckit_fle_config_has_config(cfg) ? ", with a FieldLevelEncryptionConfig"
                                                      : ", no FieldLevelEncryptionConfig");
    seckit_fle_config_free(cfg);
    return EXIT_OK_;
}

static int run(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(usage, stdout);
        return EXIT_OK_;
    }
    if (argc < 2 || argv[1][0] == '-')
        return cli_usage_error(sub, "missing action (encrypt, decrypt, decrypt-value or "
                                    "check-config)");
    const char *action = argv[1];
    argc--;
    argv++;
    if (strcmp(action, "encrypt") == 0)
        return run_encrypt(argc, argv);
    if (strcmp(action, "decrypt") == 0)
        return run_decrypt(argc, argv, 0);
    if (strcmp(action, "decrypt-value") == 0)
        return run_decrypt(argc, argv, 1);
    if (strcmp(action, "check-config") == 0)
        return run_check_config(argc, argv);
    return cli_usage_error(sub, "unknown action '%s' (encrypt, decrypt, decrypt-value or "
                                "check-config)",
                           action);
}

const cli_command cmd_fle = {
    .name = "fle",
    .summary = "CloudFront field-level encryption: encrypt forms as CloudFront, decrypt at the origin",
    .usage = usage,
    .run = run,
};

/* seckit esdk encrypt|decrypt: AWS Encryption SDK messages with raw RSA and
 * raw AES keys.  Decryption streams with constant memory when writing to a
 * file (temporary file, renamed only after the whole message authenticated)
 * and never writes unauthenticated plaintext anywhere visible. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/cli/cli.h"
#include "src/cli/keyspec.h"

static const char usage[] =
    "Usage: seckit esdk encrypt [KEY OPTIONS] [--suite 0xNNNN] [--frame-length N]\n"
    "                           [--encryption-context KEY=VALUE]... [--base64]\n"
    "                           [--commitment-policy POLICY] [--in FILE]\n"
    "                           [--out FILE [--force]]\n"
    "       seckit esdk decrypt [KEY OPTIONS] [--encryption-context KEY=VALUE]...\n"
    "                           [--commitment-policy POLICY] [--max-encrypted-data-keys N]\n"
    "                           [--base64] [--in FILE] [--out FILE [--force]]\n"
    "\n"
    "Encrypt or decrypt an AWS Encryption SDK message (the format CloudFront\n"
    "field-level encryption uses).  Input is standard input unless --in is given,\n"
    "output standard output unless --out is given (written atomically).\n"
    "Decryption writes plaintext only after the whole message authenticated: to\n"
    "--out FILE it streams with constant memory into a temporary file renamed at\n"
    "the end (removed on failure); to standard output it holds the plaintext in\n"
    "memory until the end.  On any failure nothing is written and the exit status\n"
    "is 4 (the key, the message or its authentication was wrong).\n"
    "\n"
    "Key options (repeatable; decryption tries every key; the first key makes the\n"
    "data key when encrypting and the others also wrap it):\n"
    "  --raw-rsa-key namespace=NS,name=NAME[,padding=PAD],file=PATH\n"
    "                      RSA key (PEM or DER; private PKCS#8/PKCS#1, or public\n"
    "                      SubjectPublicKeyInfo to encrypt only).  PAD: pkcs1,\n"
    "                      oaep-sha1, oaep-sha256 (default; CloudFront FLE),\n"
    "                      oaep-sha384, oaep-sha512\n"
    "  --raw-aes-key namespace=NS,name=NAME,file=PATH\n"
    "                      AES key file of exactly 16, 24 or 32 raw bytes\n"
    "  --allow-insecure-key-file\n"
    "                      accept private key files others can read\n"
    "\n"
    "Options:\n"
    "  --suite 0xNNNN      algorithm suite for encrypt (default 0x0578, or 0x0378\n"
    "                      with forbid-encrypt-allow-decrypt); one of 0x0014 0x0046\n"
    "                      0x0078 0x0114 0x0146 0x0178 0x0214 0x0346 0x0378 0x0478\n"
    "                      0x0578\n"
    "  --frame-length N    bytes per frame (default 4096; 0 = non-framed, v1 suites)\n"
    "  --encryption-context KEY=VALUE\n"
    "                      encrypt: add a pair; decrypt: require the message to\n"
    "                      carry this pair (pairs it does not store are\n"
    "                      authenticated as a required encryption context)\n"
    "  --commitment-policy POLICY\n"
    "                      require-encrypt-require-decrypt (default),\n"
    "                      require-encrypt-allow-decrypt (needed to read v1\n"
    "                      messages such as CloudFront FLE values), or\n"
    "                      forbid-encrypt-allow-decrypt\n"
    "  --max-encrypted-data-keys N\n"
    "                      refuse messages with more than N encrypted data keys\n"
    "                      (default 10; 1 to 65535), before any key is tried\n"
    "  --base64            encrypt: write the message in base64; decrypt: read it\n"
    "                      in base64 (standard or URL-safe, padding optional,\n"
    "                      white space ignored)\n"
    "  --in FILE           read from FILE instead of standard input\n"
    "  --out FILE          write to FILE (atomically; mode 0600 for plaintext);\n"
    "                      an existing FILE is refused unless --force is given\n"
    "  --force             replace an existing --out FILE\n"
    "  -h, --help          show this help\n";

#define CTX_MAX 64
#define CHUNK ((size_t)256 * 1024)
#define WHOLE_INPUT_MAX ((size_t)1 << 32)

typedef struct {
    int decrypt;
    cli_keyrings keys;
    seckit_esdk_options opts;
    seckit_esdk_pair pairs[CTX_MAX];
    size_t n_pairs;
    int base64;
    const char *in, *out;
    unsigned out_flags; /* SECKIT_FILE_OVERWRITE with --force */
} esdk_args;

/* ---- output sinks ----------------------------------------------------------- */

typedef struct {
    seckit_atomic_file *file; /* --out */
    uint8_t *mem;             /* stdout: held until the end (wiped) */
    size_t len, cap;
} out_sink;

static int sink_write(void *user, const uint8_t *p, size_t n, seckit_error *err)
{
    out_sink *s = user;
    if (s->file != NULL) {
        /* Batch the (authenticated) frames into CHUNK-sized writes. */
        if (n > s->cap - s->len && s->len > 0) {
            int rc = seckit_atomic_write(s->file, s->mem, s->len, err);
            s->len = 0;
            if (rc != 0)
                return rc;
        }
        if (n >= CHUNK)
            return seckit_atomic_write(s->file, p, n, err);
        return cli_held_append(&s->mem, &s->len, &s->cap, CHUNK, p, n, err);
    }
    return cli_held_append(&s->mem, &s->len, &s->cap, SIZE_MAX, p, n, err);
}

static void sink_discard(out_sink *s)
{
    seckit_atomic_abort(s->file);
    s->file = NULL;
    seckit_secret_free(s->mem); /* wiped */
    /* (s->file is already NULL after a commit) */
    s->mem = NULL;
    s->len = s->cap = 0;
}

/* Finish: commit the file, or write the held bytes to stdout. */
static int sink_commit(out_sink *s, seckit_error *err)
{
    int rc = 0;
    if (s->file != NULL) {
        if (s->len > 0)
            rc = seckit_atomic_write(s->file, s->mem, s->len, err);
        s->len = 0;
        if (rc == 0) {
            rc = seckit_atomic_commit(s->file, err);
            s->file = NULL;
        }
    } else {
        rc = cli_write_stdout(s->mem, s->len, err);
    }
    sink_discard(s);
    return rc;
}

/* ---- input -------------------------------------------------------------------- */

static int open_input(const char *path, int *fd, seckit_error *err)
{
    if (path == NULL) {
        *fd = STDIN_FILENO;
        return 0;
    }
    *fd = open(path, O_RDONLY | O_CLOEXEC);
    if (*fd < 0)
        return seckit_error_set(err, errno == ENOENT ? SECKIT_ENOENT : SECKIT_EIO,
                                "%s: cannot open: %s", path, strerror(errno));
    return 0;
}

static ssize_t read_some(int fd, uint8_t *buf, size_t n)
{
    ssize_t r;
    do
        r = read(fd, buf, n);
    while (r < 0 && errno == EINTR);
    return r;
}

/* The whole input (plaintext when encrypting) in secret memory: grown with
 * seckit_secret_grow (copy, then wipe the old block), never realloc(), so no
 * unwiped copy is left in freed memory.  Free with seckit_secret_free. */
static int read_whole(int fd, const char *name, uint8_t **out, size_t *len, seckit_error *err)
{
    size_t cap = CHUNK, n = 0;
    uint8_t *buf = seckit_secret_grow(NULL, 0, cap);
    *out = NULL;
    *len = 0;
    if (buf == NULL)
        return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    for (;;) {
        if (n == cap) {
            if (cap >= WHOLE_INPUT_MAX) {
                seckit_secret_free(buf);
                return seckit_error_set(err, SECKIT_ELIMIT, "%s: input larger than 4 GiB", name);
            }
            uint8_t *q = seckit_secret_grow(buf, n, cap * 2);
            if (q == NULL) {
                seckit_secret_free(buf);
                return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
            }
            buf = q;
            cap *= 2;
        }
        ssize_t r = read_some(fd, buf + n, cap - n);
        if (r < 0) {
            seckit_secret_free(buf);
            return seckit_error_set(err, SECKIT_EIO, "%s: read failed: %s", name, strerror(errno));
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    *out = buf;
    *len = n;
    return 0;
}

/* ---- decrypt ------------------------------------------------------------------- */

/* Message errors (format, limits, policy, authentication) exit 4. */
static int decrypt_fail(const char *sub, seckit_error *err)
{
    int code = cli_fail(sub, err);
    seckit_category c = seckit_error_category(err->code);
    if (c == SECKIT_CAT_INPUT || c == SECKIT_CAT_FORMAT || c == SECKIT_CAT_CRYPTO)
        return EXIT_AUTH;
    return code;
}

static int run_decrypt(esdk_args *a, seckit_keyring *kr, seckit_error *err, int *msg_error)
{
    int fd = -1, rc;
    out_sink sink = {0};
    seckit_esdk_decryptor *d = NULL;

    uint8_t *buf = NULL, *decoded = NULL;
    const char *name = a->in != NULL ? a->in : "standard input";

    *msg_error = 0;
    if ((rc = open_input(a->in, &fd, err)) != 0)
        return rc;
    if (a->out != NULL &&
        (rc = seckit_atomic_open(&sink.file, a->out, 0600, a->out_flags, err)) != 0)
        goto done;
    if ((rc = seckit_esdk_decryptor_new(&d, kr, &a->opts, sink_write, &sink, err)) != 0)
        goto done;
    *msg_error = 1;
    /* Read and decrypt in chunks (base64 decoded on the way), so memory
     * stays bounded whatever the message size. */
    buf = malloc(CHUNK);
    if (a->base64)
        decoded = malloc(seckit_base64_decoded_max(CHUNK));
    if (buf == NULL || (a->base64 && decoded == NULL)) {
        rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
        goto done;
    }
    seckit_base64_decoder b64;
    seckit_base64_decoder_init(&b64);
    for (;;) {
        ssize_t r = read_some(fd, buf, CHUNK);
        if (r < 0) {
            *msg_error = 0;
            rc = seckit_error_set(err, SECKIT_EIO, "%s: read failed: %s", name, strerror(errno));
            break;
        }
        size_t n = (size_t)r;
        if (a->base64 && r > 0)
            rc = seckit_base64_decoder_update(&b64, decoded, seckit_base64_decoded_max(CHUNK), &n,
                                              (const char *)buf, (size_t)r, err);
        else if (a->base64)
            rc = seckit_base64_decoder_finish(&b64, decoded, seckit_base64_decoded_max(CHUNK), &n,
                                              err);
        if (rc == 0 && n > 0)
            rc = seckit_esdk_decryptor_update(d, a->base64 ? decoded : buf, n, err);
        if (rc != 0 || r == 0)
            break;
    }
    if (rc == 0)
        rc = seckit_esdk_decryptor_finish(d, err);
    if (rc == 0) {
        *msg_error = 0;
        rc = sink_commit(&sink, err);
    }
done:
    if (rc != 0 && (err->code == SECKIT_EIO || err->code == SECKIT_ENOMEM))
        *msg_error = 0;
    sink_discard(&sink);
    seckit_esdk_decryptor_free(d);
    free(buf);
    free(decoded);
    if (fd > STDIN_FILENO)
        close(fd);
    return rc;
}

/* ---- encrypt -------------------------------------------------------------------- */

/* Ciphertext is not secret: to stdout it goes as it is made. */
static int stdout_write(void *user, const uint8_t *p, size_t n, seckit_error *err)
{
    (void)user;
    return cli_write_stdout(p, n, err);
}

static int encrypt_stream(esdk_args *a, seckit_keyring *kr, int fd, const char *name,
                          out_sink *sink, seckit_error *err)
{
    seckit_esdk_context ctx = {a->pairs, a->n_pairs};
    seckit_esdk_encryptor *e = NULL;
    uint8_t *buf = malloc(CHUNK);
    int rc;
    if (buf == NULL)
        return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    rc = seckit_esdk_encryptor_new(&e, kr, &a->opts, &ctx,
                                   sink->file != NULL ? sink_write : stdout_write, sink, err);
    while (rc == 0) {
        ssize_t r = read_some(fd, buf, CHUNK);
        if (r < 0)
            rc = seckit_error_set(err, SECKIT_EIO, "%s: read failed: %s", name, strerror(errno));
        else if (r == 0)
            break;
        else
            rc = seckit_esdk_encryptor_update(e, buf, (size_t)r, err);
    }
    if (rc == 0)
        rc = seckit_esdk_encryptor_finish(e, err);
    if (rc == 0 && sink->file != NULL)
        rc = sink_commit(sink, err);
    seckit_esdk_encryptor_free(e);
    seckit_memzero(buf, CHUNK);
    free(buf);
    return rc;
}

static int run_encrypt(esdk_args *a, seckit_keyring *kr, seckit_error *err)
{
    int fd = -1, rc;
    out_sink sink = {0};
    uint8_t *pt = NULL, *ct = NULL;
    size_t pt_len = 0, ct_len = 0;
    seckit_esdk_context ctx = {a->pairs, a->n_pairs};
    const char *name = a->in != NULL ? a->in : "standard input";

    if ((rc = open_input(a->in, &fd, err)) != 0)
        return rc;
    if (a->out != NULL &&
        (rc = seckit_atomic_open(&sink.file, a->out, 0644, a->out_flags, err)) != 0)
        goto done;
    if (a->opts.frame_length > 0 && !a->base64) {
        rc = encrypt_stream(a, kr, fd, name, &sink, err);
        goto done;
    }
    /* Non-framed or base64: the whole message at once. */
    if ((rc = read_whole(fd, name, &pt, &pt_len, err)) != 0)
        goto done;
    rc = seckit_esdk_encrypt(kr, &ct, &ct_len, &a->opts, &ctx, pt, pt_len, err);
    seckit_memzero(pt, pt_len);
    if (rc != 0)
        goto done;
    if (a->base64) {
        size_t cap = seckit_base64_encoded_len(ct_len, SECKIT_BASE64_STANDARD) + 1, n = 0;
        char *text = malloc(cap);
        if (text == NULL) {
            rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
            goto done;
        }
        rc = seckit_base64_encode(text, cap, &n, ct, ct_len, SECKIT_BASE64_STANDARD, err);
        if (rc == 0) {
            text[n++] = '\n';
            rc = sink_write(&sink, (const uint8_t *)text, n, err);
        }
        free(text);
    } else {
        rc = sink_write(&sink, ct, ct_len, err);
    }
    if (rc == 0)
        rc = sink_commit(&sink, err);
done:
    sink_discard(&sink);
    seckit_secret_free(pt);
    free(ct);
    if (fd > STDIN_FILENO)
        close(fd);
    return rc;
}

/* ---- options -------------------------------------------------------------------- */

static int parse_suite(const char *s, uint16_t *out)
{
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        s += 2;
    if (strlen(s) != 4)
        return -1;
    char *end;
    unsigned long v = strtoul(s, &end, 16);
    if (*end != '\0' || seckit_esdk_suite_bit((uint16_t)v) == 0)
        return -1;
    *out = (uint16_t)v;
    return 0;
}

/* The key options, in the order given. */
typedef struct esdk_keyspecs {
    struct {
        int kind;
        const char *spec;
    } specs[CLI_KEYRINGS_MAX];
    size_t n;
    int insecure; /* --allow-insecure-key-file */
} esdk_keyspecs;

/* parse_options's answer when the command goes on (anything else is the
 * exit code: --help, a usage error). */
#define GO_ON (-1)

/* What parse_options cannot see one option at a time: a key at all, options
 * for the other direction, --force without --out, --in the same as --out. */
static int check_combination(const char *sub, const esdk_args *a, const esdk_keyspecs *k,
                             int have_suite, int have_frame, int have_maxedk)
{
    if (k->n == 0)
        return cli_usage_error(sub, "no key given (use --raw-rsa-key or --raw-aes-key)");
    if (a->decrypt && (have_suite || have_frame))
        return cli_usage_error(sub, "--suite and --frame-length are for encrypt (the message "
                                    "names its own)");
    if (!a->decrypt && have_maxedk)
        return cli_usage_error(sub, "--max-encrypted-data-keys is for decrypt");
    if (a->out_flags != 0 && a->out == NULL)
        return cli_usage_error(sub, "--force needs --out FILE");
    if (a->in != NULL && a->out != NULL && strcmp(a->in, a->out) == 0)
        return cli_usage_error(sub, "--in and --out name the same file");
    return GO_ON;
}

/* The options of the action (a->decrypt set) into a and k, and how they
 * combine. */
static int parse_options(int argc, char **argv, esdk_args *a, esdk_keyspecs *k)
{
    enum {
        O_RSA = 256,
        O_AES,
        O_INSECURE,
        O_SUITE,
        O_FRAME,
        O_CTX,
        O_POLICY,
        O_MAXEDK,
        O_B64,
        O_IN,
        O_OUT,
        O_FORCE
    };
    static const struct option options[] = {
        {"raw-rsa-key", required_argument, NULL, O_RSA},
        {"raw-aes-key", required_argument, NULL, O_AES},
        {"allow-insecure-key-file", no_argument, NULL, O_INSECURE},
        {"suite", required_argument, NULL, O_SUITE},
        {"frame-length", required_argument, NULL, O_FRAME},
        {"encryption-context", required_argument, NULL, O_CTX},
        {"commitment-policy", required_argument, NULL, O_POLICY},
        {"max-encrypted-data-keys", required_argument, NULL, O_MAXEDK},
        {"base64", no_argument, NULL, O_B64},
        {"in", required_argument, NULL, O_IN},
        {"out", required_argument, NULL, O_OUT},
        {"force", no_argument, NULL, O_FORCE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *sub = "esdk";
    seckit_error err;
    int c;
    unsigned long v;
    int have_suite = 0, have_frame = 0, have_maxedk = 0;
    seckit_error_clear(&err);
    cli_opt_loop loop = {.sub = sub, .usage = usage, .options = options};
    while ((c = cli_next_option(&loop, argc, argv)) >= 0) {
        switch (c) {
        case O_RSA:
        case O_AES:
            if (k->n == CLI_KEYRINGS_MAX)
                return cli_usage_error(sub, "at most %d keys", CLI_KEYRINGS_MAX);
            k->specs[k->n].kind = c == O_RSA ? CLI_KEY_RSA : CLI_KEY_AES;
            k->specs[k->n++].spec = optarg;
            break;
        case O_INSECURE: k->insecure = 1; break;
        case O_SUITE:
            if (parse_suite(optarg, &a->opts.suite) != 0)
                return cli_usage_error(sub,
                                       "--suite: '%s' is not an ESDK algorithm suite "
                                       "(e.g. 0x0578, 0x0178)",
                                       optarg);
            have_suite = 1;
            break;
        case O_FRAME:
            if (cli_parse_uint(optarg, 0, 0xFFFFFFFFul, &v) != 0)
                return cli_usage_error(sub, "--frame-length: '%s' is not 0 to 4294967295", optarg);
            a->opts.frame_length = (uint32_t)v;
            have_frame = 1;
            break;
        case O_CTX: {
            const char *eq = strchr(optarg, '=');
            if (eq == NULL || eq == optarg)
                return cli_usage_error(sub, "--encryption-context: '%s' is not KEY=VALUE", optarg);
            if (a->n_pairs == CTX_MAX)
                return cli_usage_error(sub, "at most %d --encryption-context pairs", CTX_MAX);
            a->pairs[a->n_pairs].key = optarg;
            a->pairs[a->n_pairs].key_len = (size_t)(eq - optarg);
            a->pairs[a->n_pairs].value = eq + 1;
            a->pairs[a->n_pairs].value_len = strlen(eq + 1);
            a->n_pairs++;
            break;
        }
        case O_POLICY:
            if (seckit_esdk_commitment_policy_parse(&a->opts.commitment_policy, optarg, &err) != 0)
                return cli_usage_error(sub, "--commitment-policy: %s", err.message);
            break;
        case O_MAXEDK:
            if (cli_parse_uint(optarg, 1, 65535, &v) != 0)
                return cli_usage_error(sub, "--max-encrypted-data-keys: '%s' is not 1 to 65535",
                                       optarg);
            a->opts.max_encrypted_data_keys = (uint32_t)v;
            have_maxedk = 1;
            break;
        case O_B64: a->base64 = 1; break;
        case O_IN: a->in = optarg; break;
        case O_OUT: a->out = optarg; break;
        case O_FORCE: a->out_flags |= SECKIT_FILE_OVERWRITE; break;
        }
    }
    if (c == CLI_OPT_STOP)
        return loop.exit;
    if (optind < argc)
        return cli_usage_error(sub, "unexpected argument '%s'", argv[optind]);
    return check_combination(sub, a, k, have_suite, have_frame, have_maxedk);
}

static int run(int argc, char **argv)
{
    const char *sub = "esdk";
    esdk_args a;
    esdk_keyspecs k;
    seckit_error err;
    int rc;

    if (cli_help_asked(argc, argv, usage))
        return EXIT_OK_;
    if (argc < 2 || argv[1][0] == '-')
        return cli_usage_error(sub, "missing action (encrypt or decrypt)");
    memset(&a, 0, sizeof(a));
    if (strcmp(argv[1], "decrypt") == 0)
        a.decrypt = 1;
    else if (strcmp(argv[1], "encrypt") != 0)
        return cli_usage_error(sub, "unknown action '%s' (use encrypt or decrypt)", argv[1]);
    argc--;
    argv++;
    a.opts = (seckit_esdk_options)SECKIT_ESDK_OPTIONS_INIT;
    seckit_error_clear(&err);

    memset(&k, 0, sizeof(k));
    if ((rc = parse_options(argc, argv, &a, &k)) != GO_ON)
        return rc;

    for (size_t i = 0; i < k.n; i++) {
        rc = cli_keyrings_add(&a.keys, (cli_key_kind)k.specs[i].kind, k.specs[i].spec, k.insecure,
                              &err);
        if (rc != 0) {
            cli_keyrings_free(&a.keys);
            return cli_fail(sub, &err);
        }
    }
    seckit_keyring *kr = NULL;
    rc = cli_keyrings_build(&a.keys, &kr, &err);
    if (rc == 0) {
        if (a.decrypt) {
            seckit_esdk_context repro = {a.pairs, a.n_pairs};
            int msg_error = 0;
            if (a.n_pairs > 0)
                a.opts.reproduced_context = &repro;
            rc = run_decrypt(&a, kr, &err, &msg_error);
            seckit_keyring_free(kr);
            cli_keyrings_free(&a.keys);
            if (rc == 0)
                return EXIT_OK_;
            return msg_error ? decrypt_fail(sub, &err) : cli_fail(sub, &err);
        }
        rc = run_encrypt(&a, kr, &err);
    }
    seckit_keyring_free(kr);
    cli_keyrings_free(&a.keys);
    return rc == 0 ? EXIT_OK_ : cli_fail(sub, &err);
}

const cli_command cmd_esdk = {
    .name = "esdk",
    .summary = "encrypt and decrypt AWS Encryption SDK messages (raw RSA/AES keys)",
    .usage = usage,
    .run = run,
};

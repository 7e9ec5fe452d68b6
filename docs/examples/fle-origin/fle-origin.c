/* fle-origin: an example origin server for CloudFront field-level
 * encryption, using libseckit the way a production server would.
 *
 * - libmicrohttpd runs one event-loop thread that accepts connections and
 *   reads request bodies; it never does RSA work.
 * - A complete POST body is handed to a pool of worker threads and the
 *   connection is suspended; a worker decrypts the fields (about a
 *   millisecond of RSA per field) and resumes the connection with the
 *   answer.
 * - The private keys live in a seckit_fle_keystore: workers acquire the
 *   current decryptor per request; SIGHUP re-reads the keys folder and
 *   swaps in a new decryptor without a restart (requests in flight finish
 *   with the old one).
 * - The handler gets the fields one by one (seckit_fle_decrypt_fields),
 *   never a re-encoded body, and answers with a JSON summary: each field's
 *   name and an HMAC of its value under a key made at start-up.  It never
 *   echoes plaintext.
 * - Failures: the detailed message goes to the log (stderr), the client
 *   gets 400 and the short public message.
 *
 * Usage: fle-origin --keys-dir DIR --field PATTERN... [--port N]
 *                   [--port-file FILE] [--workers N] [--lenient-form]
 *                   [--allow-insecure-key-file]
 * DIR holds PROVIDER/KEYNAME.pem (the EDK's provider id and key name).
 * Listens on 127.0.0.1 only.  SIGHUP reloads the keys; SIGTERM or SIGINT
 * stops the server.
 */
#define _GNU_SOURCE 1
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <microhttpd.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <seckit/seckit.h>

#define MAX_WORKERS 64
#define QUEUE_MAX 1024

/* ---- configuration and keys */

static const char *keys_dir;
static const char *patterns[16];
static size_t n_patterns;
static int lenient, allow_insecure;
static seckit_fle_keystore *keystore;
static unsigned char hmac_key[32];

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logf_(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    flockfile(stderr);
    fputs("fle-origin: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    funlockfile(stderr);
    va_end(ap);
}

/* A decryptor with every DIR/PROVIDER/KEYNAME.pem and the field patterns. */
static int load_decryptor(seckit_fle_decryptor **out, seckit_error *err)
{
    /* The options as this program knows them (SECKIT_FLE_DECRYPT_OPTIONS_VERSION):
     * a newer library that added members still reads them right. */
    seckit_fle_decrypt_options opts;
    int rc = seckit_fle_decrypt_options_init(&opts, SECKIT_FLE_DECRYPT_OPTIONS_VERSION, err);
    if (rc != 0)
        return rc;
    opts.lenient_form = lenient;
    seckit_fle_decryptor *d = NULL;
    rc = seckit_fle_decryptor_new(&d, &opts, err);
    for (size_t i = 0; rc == 0 && i < n_patterns; i++)
        rc = seckit_fle_decryptor_add_field(d, patterns[i], err);
    /* The library's loader: the folder and key-file checks (a folder others
     * could write to, and swap a key in, is refused), every
     * DIR/PROVIDER/KEYNAME.pem, SECKIT_ENOTFOUND when there is none. */
    if (rc == 0)
        rc = seckit_fle_decryptor_add_keys_dir(d, NULL, keys_dir, allow_insecure, err);
    if (rc != 0) {
        seckit_fle_decryptor_unref(d);
        return rc;
    }
    *out = d;
    return 0;
}

/* ---- requests and the worker pool */

enum state { RECEIVING, QUEUED, DONE };

typedef struct request {
    struct MHD_Connection *conn;
    enum state state;
    char *body;
    size_t len, cap;
    int too_large;
    unsigned status;
    char *answer; /* JSON */
    size_t answer_len;
    unsigned long id;
    struct request *next;
} request;

static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t qcond = PTHREAD_COND_INITIALIZER;
static request *qhead, *qtail;
static size_t qlen;
static int stopping;
static unsigned long next_id;

/* A growing string for the JSON answer. */
typedef struct sbuf {
    char *p;
    size_t len, cap;
    int oom;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->len + n + 1) * 2;
        char *p = realloc(b->p, cap);
        if (p == NULL) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_str(sbuf *b, const char *s)
{
    sb_put(b, s, strlen(s));
}

/* A JSON string: printable ASCII as it is, everything else \u00XX. */
static void sb_json(sbuf *b, const char *s, size_t n)
{
    sb_put(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            sb_put(b, esc, 2);
        } else if (c >= 0x20 && c < 0x7f) {
            sb_put(b, (const char *)&c, 1);
        } else {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            sb_put(b, esc, 6);
        }
    }
    sb_put(b, "\"", 1);
}

/* The application's handler: it gets every field, the decrypted ones with
 * their plaintext, and answers with names and HMACs, never plaintext. */
static int handle_field(void *ctx, const seckit_fle_field *f)
{
    sbuf *b = ctx;
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    const unsigned char *v = f->decrypted ? f->plaintext : (const unsigned char *)f->value;
    size_t vl = f->decrypted ? f->plaintext_len : f->value_len;
    if (HMAC(EVP_sha256(), hmac_key, sizeof hmac_key, v, vl, mac, &mac_len) == NULL)
        return -1;
    char hex[2 * EVP_MAX_MD_SIZE + 1];
    for (unsigned i = 0; i < mac_len; i++)
        snprintf(hex + 2 * i, 3, "%02x", mac[i]);
    char num[64];
    sb_str(b, f->index ? ",{\"name\":" : "{\"name\":");
    sb_json(b, f->name, f->name_len);
    snprintf(num, sizeof num, ",\"decrypted\":%s,\"length\":%zu,\"hmac\":\"",
             f->decrypted ? "true" : "false", vl);
    sb_str(b, num);
    sb_str(b, hex);
    sb_str(b, "\"}");
    return 0;
}

static void answer_error(request *r, unsigned status, const char *public_message)
{
    sbuf b = {0};
    sb_str(&b, "{\"error\":");
    sb_json(&b, public_message, strlen(public_message));
    sb_str(&b, "}\n");
    r->status = b.oom ? 500 : status;
    r->answer = b.p;
    r->answer_len = b.oom ? 0 : b.len;
}

/* Runs on a worker thread: all the RSA work happens here. */
static void process(request *r)
{
    seckit_error err;
    seckit_error_clear(&err);
    seckit_fle_decryptor *d = seckit_fle_keystore_acquire(keystore);
    seckit_fle_fields *fields = NULL;
    int rc = seckit_fle_decrypt_fields(d, &fields, r->body, r->len, NULL, 0, &err);
    seckit_fle_decryptor_unref(d);
    if (rc != 0) {
        /* The log gets the details; the client the public message. */
        logf_("request %lu: %s (%s)", r->id, err.message, seckit_error_name(rc));
        answer_error(r, rc == SECKIT_ENOMEM || rc == SECKIT_ECRYPTO ? 500 : 400,
                     seckit_error_public_message(&err));
        return;
    }
    sbuf b = {0};
    char head[80];
    snprintf(head, sizeof head, "{\"decrypted\":%zu,\"fields\":[",
             seckit_fle_fields_decrypted(fields));
    sb_str(&b, head);
    rc = seckit_fle_fields_foreach(fields, handle_field, &b);
    sb_str(&b, "]}\n");
    seckit_fle_fields_free(fields); /* wipes the plaintexts */
    if (rc != 0 || b.oom) {
        free(b.p);
        answer_error(r, 500, "internal error");
        return;
    }
    r->status = 200;
    r->answer = b.p;
    r->answer_len = b.len;
}

static void *worker(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&qlock);
        while (qhead == NULL && !stopping)
            pthread_cond_wait(&qcond, &qlock);
        request *r = qhead;
        if (r == NULL) { /* stopping and drained */
            pthread_mutex_unlock(&qlock);
            return NULL;
        }
        qhead = r->next;
        if (qhead == NULL)
            qtail = NULL;
        qlen--;
        pthread_mutex_unlock(&qlock);
        process(r);
        r->state = DONE;
        MHD_resume_connection(r->conn); /* thread-safe: wakes the event loop */
    }
}

/* ---- HTTP (the event-loop thread) */

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, const char *json,
                             size_t len)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, (void *)json, MHD_RESPMEM_MUST_COPY);
    if (resp == NULL)
        return MHD_NO;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    enum MHD_Result ret = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result reply_error(struct MHD_Connection *conn, unsigned status,
                                   const char *msg)
{
    char buf[256];
    int n = snprintf(buf, sizeof buf, "{\"error\":\"%s\"}\n", msg);
    return reply(conn, status, buf, (size_t)n);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)cls;
    (void)url;
    (void)version;
    request *r = *con_cls;
    if (r == NULL) {
        if (strcmp(method, MHD_HTTP_METHOD_POST) != 0)
            return reply_error(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "only POST is accepted");
        const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_CONTENT_TYPE);
        size_t ctl = strlen(SECKIT_FLE_CONTENT_TYPE);
        if (ct == NULL || strncasecmp(ct, SECKIT_FLE_CONTENT_TYPE, ctl) != 0 ||
            (ct[ctl] != '\0' && ct[ctl] != ';'))
            return reply_error(conn, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
                               "the body must be application/x-www-form-urlencoded");
        r = calloc(1, sizeof *r);
        if (r == NULL)
            return MHD_NO;
        r->conn = conn;
        *con_cls = r;
        return MHD_YES;
    }
    if (r->state == RECEIVING && *upload_data_size > 0) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (r->too_large || r->len + n > SECKIT_FLE_MAX_BODY) {
            r->too_large = 1;
            return MHD_YES;
        }
        if (r->len + n > r->cap) {
            size_t cap = r->cap ? r->cap : 4096;
            while (cap < r->len + n)
                cap *= 2;
            char *p = realloc(r->body, cap);
            if (p == NULL)
                return MHD_NO;
            r->body = p;
            r->cap = cap;
        }
        memcpy(r->body + r->len, upload_data, n);
        r->len += n;
        return MHD_YES;
    }
    if (r->state == RECEIVING) {
        if (r->too_large)
            return reply_error(conn, 413 /* Content Too Large */, "the request body is too large");
        /* Hand the body to a worker and suspend the connection; the worker
         * resumes it, and we are called again in state DONE. */
        pthread_mutex_lock(&qlock);
        if (stopping || qlen >= QUEUE_MAX) {
            pthread_mutex_unlock(&qlock);
            return reply_error(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "busy, try again");
        }
        r->id = ++next_id;
        r->state = QUEUED;
        MHD_suspend_connection(conn);
        if (qtail != NULL)
            qtail->next = r;
        else
            qhead = r;
        qtail = r;
        qlen++;
        pthread_cond_signal(&qcond);
        pthread_mutex_unlock(&qlock);
        return MHD_YES;
    }
    if (r->state == DONE)
        return reply(conn, r->status, r->answer ? r->answer : "", r->answer_len);
    return MHD_YES; /* QUEUED: not called while suspended */
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    (void)toe;
    request *r = *con_cls;
    if (r == NULL)
        return;
    if (r->body != NULL)
        OPENSSL_cleanse(r->body, r->cap);
    free(r->body);
    free(r->answer);
    free(r);
    *con_cls = NULL;
}

/* ---- main */

static int usage(void)
{
    fputs("usage: fle-origin --keys-dir DIR --field PATTERN... [--port N] [--port-file FILE]\n"
          "                  [--workers N] [--lenient-form] [--allow-insecure-key-file]\n",
          stderr);
    return 2;
}

int main(int argc, char **argv)
{
    unsigned port = 8080, workers = 4;
    const char *port_file = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--keys-dir") == 0 && v) {
            keys_dir = v;
            i++;
        } else if (strcmp(a, "--field") == 0 && v && n_patterns < 16) {
            patterns[n_patterns++] = v;
            i++;
        } else if (strcmp(a, "--port") == 0 && v) {
            port = (unsigned)strtoul(v, NULL, 10);
            i++;
        } else if (strcmp(a, "--port-file") == 0 && v) {
            port_file = v;
            i++;
        } else if (strcmp(a, "--workers") == 0 && v) {
            workers = (unsigned)strtoul(v, NULL, 10);
            i++;
        } else if (strcmp(a, "--lenient-form") == 0) {
            lenient = 1;
        } else if (strcmp(a, "--allow-insecure-key-file") == 0) {
            allow_insecure = 1;
        } else {
            return usage();
        }
    }
    if (keys_dir == NULL || n_patterns == 0 || port > 65535 || workers < 1 ||
        workers > MAX_WORKERS)
        return usage();

    /* Signals go to a sigwait loop on this thread, not to handlers; blocked
     * first, so that every thread started later has them blocked too and a
     * SIGHUP during start-up does not kill the server. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    seckit_error err;
    seckit_error_clear(&err);
    seckit_fle_decryptor *d = NULL;
    if (seckit_init(&err) != 0 || load_decryptor(&d, &err) != 0 ||
        seckit_fle_keystore_new(&keystore, d, &err) != 0) {
        logf_("%s", err.message);
        seckit_fle_decryptor_unref(d);
        return 1;
    }
    logf_("%zu key(s) loaded from %s", seckit_fle_decryptor_key_count(d), keys_dir);
    seckit_fle_decryptor_unref(d); /* the keystore holds its own reference */
    if (RAND_bytes(hmac_key, sizeof hmac_key) != 1) {
        logf_("no random bytes for the HMAC key");
        return 1;
    }

    pthread_t tids[MAX_WORKERS];
    for (unsigned i = 0; i < workers; i++)
        if (pthread_create(&tids[i], NULL, worker, NULL) != 0) {
            logf_("cannot start worker threads");
            return 1;
        }

    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* loopback only */
    struct MHD_Daemon *daemon = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_ALLOW_SUSPEND_RESUME |
            MHD_USE_ERROR_LOG,
        (uint16_t)port, NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&sa, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
        MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_CONNECTION_LIMIT, 512u,
        MHD_OPTION_END);
    int status = 0;
    if (daemon == NULL) {
        logf_("cannot listen on 127.0.0.1:%u", port);
        status = 1;
    } else {
        const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
        unsigned bound = info != NULL ? info->port : port;
        logf_("listening on 127.0.0.1:%u with %u workers", bound, workers);
        if (port_file != NULL) {
            char tmp[4096];
            snprintf(tmp, sizeof tmp, "%s.tmp", port_file);
            FILE *f = fopen(tmp, "w");
            if (f == NULL || fprintf(f, "%u\n", bound) < 0 || fclose(f) != 0 ||
                rename(tmp, port_file) != 0) {
                logf_("cannot write %s", port_file);
                status = 1;
            }
        }
        for (int sig = 0; status == 0;) {
            if (sigwait(&set, &sig) != 0)
                continue;
            if (sig != SIGHUP)
                break;
            /* Key rotation: a new decryptor from the folder as it is now;
             * requests in flight finish with the old one. */
            seckit_fle_decryptor *nd = NULL;
            seckit_error_clear(&err);
            if (load_decryptor(&nd, &err) != 0 ||
                seckit_fle_keystore_swap(keystore, nd, &err) != 0)
                logf_("reload failed, keeping the current keys: %s", err.message);
            else
                logf_("reloaded: %zu key(s)", seckit_fle_decryptor_key_count(nd));
            seckit_fle_decryptor_unref(nd);
        }
    }
    /* Drain: workers finish what is queued (resuming those connections),
     * then the daemon stops. */
    pthread_mutex_lock(&qlock);
    stopping = 1;
    pthread_cond_broadcast(&qcond);
    pthread_mutex_unlock(&qlock);
    for (unsigned i = 0; i < workers; i++)
        pthread_join(tids[i], NULL);
    if (daemon != NULL)
        MHD_stop_daemon(daemon);
    seckit_fle_keystore_free(keystore);
    logf_("stopped");
    return status;
}

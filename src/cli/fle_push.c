/* seckit fle push: create the configuration's public keys, profiles and
 * FieldLevelEncryptionConfig in CloudFront, in that order. */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "src/cli/cmd_fle.h"

/* ---- push */

/* The element holding a key's or profile's settings: the wrapped form
 * ({"Id", "PublicKeyConfig": {...}}) or the item itself. */
static const cJSON *inner_config(const cJSON *item, const char *wrapper)
{
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(item, wrapper);
    return cJSON_IsObject(w) ? w : item;
}

static const char *str_member(const cJSON *obj, const char *name)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, name));
}

/* Index of the element a reference names: its local Id first, then its
 * Name (as seckit_fle_config_parse resolves references); -1 if none. */
static int find_ref(const cJSON *list, const char *wrapper, const char *ref)
{
    int i = 0;
    for (const cJSON *it = list->child; it != NULL; it = it->next, i++) {
        const char *id = str_member(it, "Id");
        if (id == NULL)
            id = str_member(inner_config(it, wrapper), "Id");
        if (id != NULL && strcmp(id, ref) == 0)
            return i;
    }
    i = 0;
    for (const cJSON *it = list->child; it != NULL; it = it->next, i++) {
        const char *name = str_member(inner_config(it, wrapper), "Name");
        if (name != NULL && strcmp(name, ref) == 0)
            return i;
    }
    return -1;
}

/* {"Quantity": n, "Items": [...]} from a local list (Quantity optional),
 * each item made by fn. */
typedef cJSON *(*item_fn)(const cJSON *item, void *ctx);

static cJSON *make_list(const cJSON *local, item_fn fn, void *ctx)
{
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(local, "Items");
    cJSON *out = cJSON_CreateObject(), *arr = cJSON_CreateArray();
    int n = 0;
    if (out == NULL || arr == NULL)
        goto fail;
    for (const cJSON *it = items != NULL ? items->child : NULL; it != NULL; it = it->next) {
        cJSON *x = fn != NULL ? fn(it, ctx) : cJSON_Duplicate(it, 1);
        if (x == NULL || !cJSON_AddItemToArray(arr, x)) {
            cJSON_Delete(x);
            goto fail;
        }
        n++;
    }
    if (cJSON_AddNumberToObject(out, "Quantity", n) == NULL)
        goto fail;
    if (n > 0) {
        if (!cJSON_AddItemToObject(out, "Items", arr))
            goto fail;
    } else {
        cJSON_Delete(arr);
    }
    return out;
fail:
    cJSON_Delete(arr);
    cJSON_Delete(out);
    return NULL;
}

/* Copy obj[name] into out when present. */
static int copy_member(cJSON *out, const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (v == NULL)
        return 1;
    cJSON *d = cJSON_Duplicate(v, 1);
    if (d == NULL || !cJSON_AddItemToObject(out, name, d)) {
        cJSON_Delete(d);
        return 0;
    }
    return 1;
}

typedef struct push_state {
    const cJSON *keys, *profiles;
    char (*key_ids)[128];
    char (*profile_ids)[128];
} push_state;

static cJSON *map_entity(const cJSON *e, void *ctx)
{
    push_state *ps = ctx;
    int k = find_ref(ps->keys, "PublicKeyConfig", str_member(e, "PublicKeyId"));
    cJSON *o = cJSON_CreateObject();
    if (o == NULL || k < 0 || cJSON_AddStringToObject(o, "PublicKeyId", ps->key_ids[k]) == NULL ||
        !copy_member(o, e, "ProviderId")) {
        cJSON_Delete(o);
        return NULL;
    }
    cJSON *fp = make_list(cJSON_GetObjectItemCaseSensitive(e, "FieldPatterns"), NULL, NULL);
    if (fp == NULL || !cJSON_AddItemToObject(o, "FieldPatterns", fp)) {
        cJSON_Delete(fp);
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static cJSON *map_profile_ref(const cJSON *item, void *ctx)
{
    push_state *ps = ctx;
    static const char *const order[] = {"QueryArg", "Format", "ProfileId", "ContentType", NULL};
    cJSON *o = cJSON_CreateObject();
    if (o == NULL)
        return NULL;
    for (size_t i = 0; order[i] != NULL; i++) {
        const char *v = str_member(item, order[i]);
        if (v == NULL)
            continue;
        if (strcmp(order[i], "ProfileId") == 0) {
            int p = find_ref(ps->profiles, "FieldLevelEncryptionProfileConfig", v);
            if (p < 0) {
                cJSON_Delete(o);
                return NULL;
            }
            v = ps->profile_ids[p];
        }
        if (cJSON_AddStringToObject(o, order[i], v) == NULL) {
            cJSON_Delete(o);
            return NULL;
        }
    }
    return o;
}

/* A profile-reference block ({"Forward...": b, "<list>": {...}}) with its
 * ProfileIds mapped; NULL with *oom = 0 when the block is absent. */
static cJSON *map_block(const cJSON *cfg, const char *block, const char *flag, const char *list,
                        push_state *ps, int *oom)
{
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(cfg, block);
    *oom = 0;
    if (b == NULL)
        return NULL;
    cJSON *o = cJSON_CreateObject();
    cJSON *l = make_list(cJSON_GetObjectItemCaseSensitive(b, list), map_profile_ref, ps);
    if (o == NULL || l == NULL || !copy_member(o, b, flag) || !cJSON_AddItemToObject(o, list, l)) {
        cJSON_Delete(l);
        cJSON_Delete(o);
        *oom = 1;
        return NULL;
    }
    return o;
}

static char *key_config_json(const cJSON *item, long long now)
{
    const cJSON *c = inner_config(item, "PublicKeyConfig");
    cJSON *o = cJSON_CreateObject();
    char ref[200];
    const char *caller = str_member(c, "CallerReference");
    if (caller == NULL) {
        snprintf(ref, sizeof ref, "seckit-push-%lld-%.128s", now, str_member(c, "Name"));
        caller = ref;
    }
    char *s = NULL;
    if (o != NULL && cJSON_AddStringToObject(o, "CallerReference", caller) != NULL &&
        copy_member(o, c, "Name") && copy_member(o, c, "EncodedKey") &&
        copy_member(o, c, "Comment"))
        s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

static char *profile_config_json(const cJSON *item, push_state *ps)
{
    const cJSON *c = inner_config(item, "FieldLevelEncryptionProfileConfig");
    cJSON *o = cJSON_CreateObject();
    char *s = NULL;
    if (o != NULL && copy_member(o, c, "Name") && copy_member(o, c, "CallerReference") &&
        copy_member(o, c, "Comment")) {
        cJSON *ee =
            make_list(cJSON_GetObjectItemCaseSensitive(c, "EncryptionEntities"), map_entity, ps);
        if (ee != NULL && cJSON_AddItemToObject(o, "EncryptionEntities", ee))
            s = cJSON_PrintUnformatted(o);
        else
            cJSON_Delete(ee);
    }
    cJSON_Delete(o);
    return s;
}

static char *fle_config_json(const cJSON *config, push_state *ps)
{
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(config, "FieldLevelEncryptionConfig");
    if (!cJSON_IsObject(c))
        c = config;
    cJSON *o = cJSON_CreateObject();
    char *s = NULL;
    int oom1 = 0, oom2 = 0;
    if (o == NULL || !copy_member(o, c, "CallerReference") || !copy_member(o, c, "Comment"))
        goto done;
    cJSON *qa = map_block(c, "QueryArgProfileConfig", "ForwardWhenQueryArgProfileIsUnknown",
                          "QueryArgProfiles", ps, &oom1);
    if (oom1 || (qa != NULL && !cJSON_AddItemToObject(o, "QueryArgProfileConfig", qa))) {
        cJSON_Delete(qa);
        goto done;
    }
    cJSON *ct = map_block(c, "ContentTypeProfileConfig", "ForwardWhenContentTypeIsUnknown",
                          "ContentTypeProfiles", ps, &oom2);
    if (oom2 || (ct != NULL && !cJSON_AddItemToObject(o, "ContentTypeProfileConfig", ct))) {
        cJSON_Delete(ct);
        goto done;
    }
    s = cJSON_PrintUnformatted(o);
done:
    cJSON_Delete(o);
    return s;
}

/* What was created so far, for the final report or the clean-up message. */
typedef struct created {
    const char *what; /* "public key", "profile", "configuration" */
    const char *name;
    char id[128];
    char etag[128];
} created;

typedef int (*cf_create_fn)(seckit_aws *aws, seckit_cf_result *out, const char *config_json,
                            seckit_error *err);

/* One create request of the push: body (NULL when it could not be made) is
 * sent with create and freed; on success d gets the new Id and ETag. */
static int push_create(seckit_aws *aws, cf_create_fn create, char *body, created *d,
                       seckit_error *err)
{
    seckit_cf_result r;
    memset(&r, 0, sizeof r);
    int rc = body == NULL ? seckit_error_set(err, SECKIT_ENOMEM, "out of memory")
                          : create(aws, &r, body, err);
    if (rc == 0) {
        snprintf(d->id, sizeof d->id, "%s", r.id);
        snprintf(d->etag, sizeof d->etag, "%s", r.etag);
    }
    seckit_cf_result_free(&r);
    free(body);
    return rc;
}

static void report_partial(const created *done, size_t n)
{
    if (n == 0) {
        cli_message(sub, "nothing was created in CloudFront");
        return;
    }
    char line[4096];
    size_t o = 0;
    for (size_t i = 0; i < n && o < sizeof line; i++) {
        int w = snprintf(line + o, sizeof line - o, "%s%s %s (Id %s)", i ? ", " : "", done[i].what,
                         done[i].name, done[i].id);
        if (w < 0)
            break;
        o += (size_t)w;
    }
    cli_message(sub, "already created in CloudFront (delete these to clean up): %s", line);
}

static int print_created(const created *done, size_t n, int json)
{
    if (!json) {
        for (size_t i = 0; i < n; i++)
            printf("%-13s %-24s %s\n", done[i].what, done[i].name, done[i].id);
        return fflush(stdout) == 0 ? EXIT_OK_ : EXIT_IO;
    }
    cJSON *j = cJSON_CreateObject();
    cJSON *keys = cJSON_AddArrayToObject(j, "PublicKeys");
    cJSON *profs = cJSON_AddArrayToObject(j, "FieldLevelEncryptionProfiles");
    int ok = j != NULL && keys != NULL && profs != NULL;
    for (size_t i = 0; ok && i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        ok = o != NULL;
        if (ok && done[i].name[0] != '\0')
            ok = cJSON_AddStringToObject(o, "Name", done[i].name) != NULL;
        ok = ok && cJSON_AddStringToObject(o, "Id", done[i].id) != NULL &&
             cJSON_AddStringToObject(o, "ETag", done[i].etag) != NULL;
        if (ok && strcmp(done[i].what, "public key") == 0)
            ok = cJSON_AddItemToArray(keys, o);
        else if (ok && strcmp(done[i].what, "profile") == 0)
            ok = cJSON_AddItemToArray(profs, o);
        else if (ok)
            ok = cJSON_AddItemToObject(j, "FieldLevelEncryptionConfig", o);
        if (!ok)
            cJSON_Delete(o);
    }
    char *s = ok ? cJSON_Print(j) : NULL;
    cJSON_Delete(j);
    if (s == NULL) {
        cli_message(sub, "out of memory");
        return EXIT_IO;
    }
    printf("%s\n", s);
    free(s);
    return fflush(stdout) == 0 ? EXIT_OK_ : EXIT_IO;
}

/* push's options, as given. */
typedef struct push_args {
    fle_config_files cf;
    seckit_aws_options ao;
    int json;
} push_args;

/* parse_options's answer when the command goes on (anything else is the
 * exit code: --help, a usage error). */
#define GO_ON (-1)

static int parse_options(int argc, char **argv, push_args *a)
{
    static const struct option options[] = {
        {"config", required_argument, NULL, 'c'},
        CLI_AWS_LONG_OPTIONS,
        {"output", required_argument, NULL, 'O'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(a, 0, sizeof *a);
    a->ao = (seckit_aws_options)SECKIT_AWS_OPTIONS_INIT;
    a->ao.endpoint_service = "cloudfront"; /* --endpoint-url is for CloudFront only */
    cli_aws_interactive(&a->ao);
    int c;
    cli_opt_loop loop = {.sub = sub, .usage = fle_usage, .options = options, .aws = &a->ao};
    while ((c = cli_next_option(&loop, argc, argv)) >= 0) {
        switch (c) {
        case 'c':
            if (fle_add_config_path(&a->cf, optarg) != 0)
                return EXIT_USAGE;
            break;
        case 'O':
            if (cli_parse_output_format(sub, optarg, &a->json) != 0)
                return EXIT_USAGE;
            break;
        }
    }
    if (c == CLI_OPT_STOP)
        return loop.exit;
    if (optind < argc)
        return cli_usage_error(sub, "unexpected argument '%s'", argv[optind]);
    if (a->cf.n == 0)
        return cli_usage_error(sub, "push needs --config FILE.json");
    return GO_ON;
}

/* The create requests, in order: every public key, every profile (naming
 * the keys' new Ids), the configuration (naming the profiles'), each
 * recorded in done[*n_done] when it succeeds; on failure done[*n_done] is
 * the element that failed and *step its request. */
static int create_all(seckit_aws *aws, push_state *ps, const cJSON *fc, created *done,
                      size_t *n_done, const char **step, seckit_error *err)
{
    int rc = 0;
    long long now = (long long)time(NULL);
    size_t i = 0;
    for (const cJSON *it = ps->keys->child; rc == 0 && it != NULL; it = it->next, i++) {
        created *d = &done[*n_done];
        d->what = "public key";
        d->name = str_member(inner_config(it, "PublicKeyConfig"), "Name");
        *step = "CreatePublicKey";
        rc = push_create(aws, seckit_cf_create_public_key, key_config_json(it, now), d, err);
        if (rc == 0) {
            snprintf(ps->key_ids[i], sizeof ps->key_ids[i], "%s", d->id);
            (*n_done)++;
        }
    }
    i = 0;
    for (const cJSON *it = ps->profiles->child; rc == 0 && it != NULL; it = it->next, i++) {
        created *d = &done[*n_done];
        d->what = "profile";
        d->name = str_member(inner_config(it, "FieldLevelEncryptionProfileConfig"), "Name");
        *step = "CreateFieldLevelEncryptionProfile";
        rc = push_create(aws, seckit_cf_create_fle_profile, profile_config_json(it, ps), d, err);
        if (rc == 0) {
            snprintf(ps->profile_ids[i], sizeof ps->profile_ids[i], "%s", d->id);
            (*n_done)++;
        }
    }
    if (rc == 0 && fc != NULL) {
        created *d = &done[*n_done];
        d->what = "configuration";
        d->name = "";
        *step = "CreateFieldLevelEncryptionConfig";
        rc = push_create(aws, seckit_cf_create_fle_config, fle_config_json(fc, ps), d, err);
        if (rc == 0)
            (*n_done)++;
    }
    return rc;
}

/* A failed push: the request and element that failed, the error, and what
 * was already created (to clean up).  n_max: the number of elements. */
static int push_failed(seckit_error *err, const char *step, const created *done, size_t n_done,
                       size_t n_max)
{
    if (step[0] != '\0' && n_done < n_max && done != NULL) {
        char what[300];
        snprintf(what, sizeof what, "%s %s%s%s", step, done[n_done].what,
                 done[n_done].name != NULL && done[n_done].name[0] ? " " : "",
                 done[n_done].name != NULL ? done[n_done].name : "");
        seckit_error_prefix(err, what);
    }
    int ret = cli_fail(sub, err);
    if (done != NULL)
        report_partial(done, n_done);
    return ret;
}

int fle_run_push(int argc, char **argv)
{
    push_args a;
    int ret = parse_options(argc, argv, &a);
    if (ret != GO_ON)
        return ret;

    seckit_error err;
    seckit_error_clear(&err);
    seckit_fle_config *cfg = NULL;
    /* Validate exactly as check-config does, before any request; then the
     * files' keys, profiles and configuration as one document. */
    char *combined = NULL;
    int rc = fle_load_configs(&a.cf, 0, &cfg, &combined, NULL, &err);
    seckit_fle_config_free(cfg);
    if (rc != 0) {
        free(combined);
        cli_fail(sub, &err);
        cli_message(sub, "nothing was sent to CloudFront");
        return cli_exit_code(rc);
    }
    cJSON *root = cJSON_Parse(combined);
    free(combined);
    if (root == NULL) {
        seckit_error_set(&err, SECKIT_ENOMEM, "out of memory");
        return cli_fail(sub, &err);
    }
    push_state ps;
    ps.keys = cJSON_GetObjectItemCaseSensitive(root, "public_keys");
    ps.profiles = cJSON_GetObjectItemCaseSensitive(root, "profiles");
    const cJSON *fc = cJSON_GetObjectItemCaseSensitive(root, "config");
    size_t nk = (size_t)cJSON_GetArraySize(ps.keys), np = (size_t)cJSON_GetArraySize(ps.profiles);
    ps.key_ids = calloc(nk + 1, sizeof *ps.key_ids);
    ps.profile_ids = calloc(np + 1, sizeof *ps.profile_ids);
    created *done = calloc(nk + np + 1, sizeof *done);
    size_t n_done = 0;
    seckit_aws *aws = NULL;
    const char *step = "";
    if (ps.key_ids == NULL || ps.profile_ids == NULL || done == NULL) {
        rc = seckit_error_set(&err, SECKIT_ENOMEM, "out of memory");
    } else {
        rc = seckit_aws_new(&aws, &a.ao, &err);
        if (rc == 0)
            rc = create_all(aws, &ps, fc, done, &n_done, &step, &err);
    }
    if (rc != 0)
        ret = push_failed(&err, step, done, n_done, nk + np + 1);
    else
        ret = print_created(done, n_done, a.json);
    seckit_aws_free(aws);
    free(done);
    free(ps.key_ids);
    free(ps.profile_ids);
    cJSON_Delete(root);
    return ret;
}

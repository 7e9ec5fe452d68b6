/* FLE configuration: every CloudFront rule with a bad and a good config,
 * and request-to-profile selection (content type, fle-profile query
 * argument, forward / refuse). */
#include "config.h"

#include <sys/stat.h>

#include "seckit/fle.h"
#include "seckit/keys.h"
#include "seckit/version.h"
#include "seckit/secret.h"
#include "testlib.h"

static seckit_error err;
static char key2048[1024], key3072[1400];

static void json_escape(char *out, size_t cap, const char *pem)
{
    size_t o = 0;
    for (; *pem != '\0' && o + 3 < cap; pem++) {
        if (*pem == '\n') {
            out[o++] = '\\';
            out[o++] = 'n';
        } else {
            out[o++] = *pem;
        }
    }
    out[o] = '\0';
}

static int make_key(unsigned bits, char *out, size_t cap)
{
    char *priv = NULL, *pub = NULL;
    size_t pl, ul;
    if (seckit_rsa_keygen(&priv, &pl, &pub, &ul, bits, &err) != 0)
        return -1;
    json_escape(out, cap, pub);
    seckit_secret_free(priv);
    free(pub);
    return 0;
}

static const char good_template[] =
    "{\"public_keys\":["
    "{\"Id\":\"K1\",\"Name\":\"DemoPublicKey\",\"EncodedKey\":\"@KEY@\",\"Comment\":\"demo key\"},"
    "{\"Id\":\"K2\",\"PublicKeyConfig\":{\"Name\":\"RotatedKey\",\"EncodedKey\":\"@KEY@\","
    "\"CallerReference\":\"k2\"}}],"
    "\"profiles\":["
    "{\"Id\":\"P1\",\"Name\":\"DemoProfile\",\"CallerReference\":\"ref-1\",\"Comment\":\"phone\","
    "\"EncryptionEntities\":{\"Quantity\":2,\"Items\":["
    "{\"PublicKeyId\":\"K1\",\"ProviderId\":\"FLEDemo\",\"FieldPatterns\":{\"Quantity\":2,"
    "\"Items\":[\"Phone\",\"card*\"]}},"
    "{\"PublicKeyId\":\"RotatedKey\",\"ProviderId\":\"FLE:Other\",\"FieldPatterns\":"
    "{\"Quantity\":1,\"Items\":[\"ssn\"]}}]}},"
    "{\"Id\":\"P2\",\"FieldLevelEncryptionProfileConfig\":{\"Name\":\"EmailProfile\","
    "\"CallerReference\":\"ref-2\",\"EncryptionEntities\":{\"Quantity\":1,\"Items\":["
    "{\"PublicKeyId\":\"K1\",\"ProviderId\":\"FLEDemo\",\"FieldPatterns\":{\"Quantity\":1,"
    "\"Items\":[\"Email\"]}}]}}}],"
    "\"config\":{\"CallerReference\":\"cfg-1\",\"Comment\":\"c\","
    "\"ContentTypeProfileConfig\":{\"ForwardWhenContentTypeIsUnknown\":false,"
    "\"ContentTypeProfiles\":{\"Quantity\":1,\"Items\":[{\"ContentType\":"
    "\"application/x-www-form-urlencoded\",\"Format\":\"URLEncoded\",\"ProfileId\":\"P1\"}]}},"
    "\"QueryArgProfileConfig\":{\"ForwardWhenQueryArgProfileIsUnknown\":false,"
    "\"QueryArgProfiles\":{\"Quantity\":1,\"Items\":[{\"QueryArg\":\"email\","
    "\"ProfileId\":\"EmailProfile\"}]}}}}";

/* Replace the first `from` in s (or every one when all) by `to`. */
static char *replace(const char *s, const char *from, const char *to, int all)
{
    size_t cap = strlen(s) * 2 + strlen(to) * 4 + 16384;
    char *out = malloc(cap), *o = out;
    const char *p = s, *hit;
    int done = 0;
    while ((hit = strstr(p, from)) != NULL && !(done && !all)) {
        memcpy(o, p, (size_t)(hit - p));
        o += hit - p;
        strcpy(o, to);
        o += strlen(to);
        p = hit + strlen(from);
        done = 1;
    }
    strcpy(o, p);
    return out;
}

static char *good_json(void)
{
    return replace(good_template, "@KEY@", key2048, 1);
}

static seckit_fle_config *parse_json(const char *json)
{
    seckit_fle_config *cfg = NULL;
    seckit_error_clear(&err);
    if (seckit_fle_config_parse(&cfg, json, strlen(json), &err) != 0)
        return NULL;
    return cfg;
}

static void test_good_config(void)
{
    char *json = good_json();
    seckit_fle_config *cfg = parse_json(json);
    CHECK_MSG(cfg != NULL, "%s", err.message);
    if (cfg != NULL) {
        CHECK(seckit_fle_config_profile_count(cfg) == 2);
        CHECK_STR(seckit_fle_config_profile_name(cfg, 1), "EmailProfile");
        CHECK(seckit_fle_config_has_config(cfg));
        const seckit_fle_profile *p = NULL;
        CHECK_OK(seckit_fle_config_profile(cfg, &p, "P2", &err), &err);
        CHECK_OK(seckit_fle_config_profile(cfg, &p, "DemoProfile", &err), &err);
        CHECK_RC(seckit_fle_config_profile(cfg, &p, "Nope", &err), SECKIT_ENOTFOUND);
    }
    seckit_fle_config_free(cfg);
    free(json);
}

typedef struct rule {
    const char *name;
    const char *from, *to;
    int all;
    const char *want; /* substring of the error message */
} rule;

static char long_name[200], long_pattern[200], many_patterns[600], many_qa[800], many_keys[16000];

static const rule rules[] = {
    {"key name charset", "\"Name\":\"DemoPublicKey\"", "\"Name\":\"Demo Public\"", 0,
     "public_keys[0].Name: character 5 (0x20) is not allowed"},
    {"key name length", "\"Name\":\"DemoPublicKey\"", long_name, 0,
     "public_keys[0].Name: 129 characters is over the limit of 128"},
    {"key name unique", "\"Name\":\"RotatedKey\"", "\"Name\":\"DemoPublicKey\"", 0,
     "public_keys[1].Name: \"DemoPublicKey\" is also the name of public_keys[0]"},
    {"key id unique", "\"Id\":\"K2\"", "\"Id\":\"K1\"", 0, "public_keys[1].Id"},
    {"key required", "\"Name\":\"DemoPublicKey\",", "", 0, "public_keys[0].Name: required"},
    {"key not PEM", "\"EncodedKey\":\"@KEY@\"", "\"EncodedKey\":\"hello\"", 0,
     "public_keys[0].EncodedKey: not an RSA public key"},
    {"key RSA-2048 only", "\"EncodedKey\":\"@KEY@\"", "\"EncodedKey\":\"@KEY3072@\"", 0,
     "public_keys[0].EncodedKey: RSA-3072 key; CloudFront field-level encryption takes only "
     "2048-bit"},
    {"key comment length", "\"Comment\":\"demo key\"", "\"Comment\":\"@LONG@\"", 0,
     "public_keys[0].Comment: 129 characters"},
    {"key unknown element", "\"Comment\":\"demo key\"", "\"Coment\":\"x\"", 0,
     "public_keys[0].Coment: unknown element"},
    {"too many keys", "\"public_keys\":[", many_keys, 0, "public_keys: 11 keys"},
    {"profile name charset", "\"Name\":\"DemoProfile\"", "\"Name\":\"Demo.Profile\"", 0,
     "profiles[0].Name: character 5 (0x2e)"},
    {"profile name unique", "\"Name\":\"EmailProfile\"", "\"Name\":\"DemoProfile\"", 0,
     "profiles[1]: Name \"DemoProfile\" is also the name of profiles[0]"},
    {"profile caller reference", "\"CallerReference\":\"ref-1\",", "", 0,
     "profiles[0].CallerReference: required"},
    {"profile no entities",
     "\"Quantity\":1,\"Items\":[{\"PublicKeyId\":\"K1\",\"ProviderId\":\"FLEDemo\",\"FieldPatterns\":{\"Quantity\":1,\"Items\":[\"Email\"]}}]",
     "\"Quantity\":0,\"Items\":[]", 0,
     "profiles[1].FieldLevelEncryptionProfileConfig.EncryptionEntities.Items: needs at least one"},
    {"entity key unknown", "\"PublicKeyId\":\"K1\"", "\"PublicKeyId\":\"K9\"", 0,
     "profiles[0].EncryptionEntities.Items[0].PublicKeyId: no public key has the Id or Name \"K9\""},
    {"provider id charset", "\"ProviderId\":\"FLE:Other\"", "\"ProviderId\":\"FLE Other\"", 0,
     "profiles[0].EncryptionEntities.Items[1].ProviderId: character 4 (0x20)"},
    {"provider id required", "\"ProviderId\":\"FLE:Other\",", "", 0,
     "profiles[0].EncryptionEntities.Items[1].ProviderId: required"},
    {"pattern star in the middle", "\"card*\"", "\"ca*rd\"", 0,
     "profiles[0].EncryptionEntities.Items[0].FieldPatterns.Items[1]: '*' is allowed only at the end"},
    {"pattern bare star", "\"card*\"", "\"*\"", 0,
     "FieldPatterns.Items[1]: a pattern needs at least one character before '*'"},
    {"pattern charset", "\"ssn\"", "\"s/sn\"", 0,
     "profiles[0].EncryptionEntities.Items[1].FieldPatterns.Items[0]: character 2 (0x2f)"},
    {"pattern length", "\"ssn\"", long_pattern, 0,
     "profiles[0].EncryptionEntities.Items[1].FieldPatterns.Items[0]: 129 characters"},
    {"pattern empty", "\"ssn\"", "\"\"", 0, "FieldPatterns.Items[0]: must not be empty"},
    {"patterns overlap across entities", "\"ssn\"", "\"cardNumber\"", 0,
     "profiles[0].EncryptionEntities.Items[1].FieldPatterns.Items[0]: \"cardNumber\" overlaps \"card*\""},
    {"prefix patterns overlap", "\"ssn\"", "\"ca*\"", 0, "\"ca*\" overlaps \"card*\""},
    {"same pattern twice", "[\"Phone\",\"card*\"]", "[\"Phone\",\"Phone\"]", 0,
     "profiles[0].EncryptionEntities.Items[0].FieldPatterns.Items[1]: \"Phone\" overlaps \"Phone\""},
    {"patterns case-sensitive (good)", "[\"Phone\",\"card*\"]", "[\"Phone\",\"phone\"]", 0, NULL},
    {"more than 10 patterns", "\"Quantity\":2,\"Items\":[\"Phone\",\"card*\"]", many_patterns, 0,
     "10 per profile"},
    {"quantity mismatch", "\"Quantity\":2,\"Items\":[\"Phone\"",
     "\"Quantity\":3,\"Items\":[\"Phone\"", 0,
     "profiles[0].EncryptionEntities.Items[0].FieldPatterns.Quantity: is 3 but Items has 2"},
    {"content type", "\"application/x-www-form-urlencoded\"", "\"application/json\"", 0,
     "config.ContentTypeProfileConfig.ContentTypeProfiles.Items[0].ContentType: \"application/json\" is not supported"},
    {"format", "\"URLEncoded\"", "\"JSON\"", 0,
     "config.ContentTypeProfileConfig.ContentTypeProfiles.Items[0].Format"},
    {"content type profile unknown", "\"ProfileId\":\"P1\"", "\"ProfileId\":\"P7\"", 0,
     "config.ContentTypeProfileConfig.ContentTypeProfiles.Items[0].ProfileId: no profile"},
    {"forward flag type", "\"ForwardWhenContentTypeIsUnknown\":false",
     "\"ForwardWhenContentTypeIsUnknown\":\"no\"", 0,
     "config.ContentTypeProfileConfig.ForwardWhenContentTypeIsUnknown: must be true or false"},
    {"forward flag required", "\"ForwardWhenQueryArgProfileIsUnknown\":false,", "", 0,
     "config.QueryArgProfileConfig.ForwardWhenQueryArgProfileIsUnknown: required"},
    {"query arg charset", "\"QueryArg\":\"email\"", "\"QueryArg\":\"e mail\"", 0,
     "config.QueryArgProfileConfig.QueryArgProfiles.Items[0].QueryArg: character 2 (0x20)"},
    {"query arg charset (good)", "\"QueryArg\":\"email\"", "\"QueryArg\":\"e-m.a_i*l+%\"", 0, NULL},
    {"query arg profile unknown", "\"ProfileId\":\"EmailProfile\"", "\"ProfileId\":\"X\"", 0,
     "config.QueryArgProfileConfig.QueryArgProfiles.Items[0].ProfileId: no profile"},
    {"more than 5 query args", "\"Quantity\":1,\"Items\":[{\"QueryArg\":\"email\",", many_qa, 0,
     "6 query-argument profiles; CloudFront allows at most 5"},
    {"config caller reference", "\"CallerReference\":\"cfg-1\",", "", 0,
     "config.CallerReference: required"},
    {"config comment length", "\"Comment\":\"c\"", "\"Comment\":\"@LONG@\"", 0,
     "config.Comment: 129 characters"},
    {"invalid JSON", "\"profiles\":[", "\"profiles\":[,", 0, "not valid JSON at line 1"},
    {"wrong top-level member", "\"config\":", "\"Config\":", 0, "Config: unknown element"},
};

static void fill_rules(void)
{
    char a129[130];
    memset(a129, 'a', 129);
    a129[129] = '\0';
    snprintf(long_name, sizeof(long_name), "\"Name\":\"%s\"", a129);
    snprintf(long_pattern, sizeof(long_pattern), "\"%s\"", a129);
    strcpy(many_patterns, "\"Quantity\":10,\"Items\":[\"Phone\"");
    for (int i = 0; i < 9; i++)
        sprintf(many_patterns + strlen(many_patterns), ",\"f%d\"", i);
    strcat(many_patterns, "]");
    strcpy(many_qa, "\"Quantity\":6,\"Items\":[");
    for (int i = 0; i < 5; i++)
        sprintf(many_qa + strlen(many_qa), "{\"QueryArg\":\"q%d\",\"ProfileId\":\"P1\"},", i);
    strcat(many_qa, "{\"QueryArg\":\"email\",");
    strcpy(many_keys, "\"public_keys\":[");
    for (int i = 0; i < 9; i++)
        sprintf(many_keys + strlen(many_keys), "{\"Name\":\"extra%d\",\"EncodedKey\":\"@KEY@\"},",
                i);
}

static void test_rules(void)
{
    char a129[130];
    memset(a129, 'a', 129);
    a129[129] = '\0';
    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
        const rule *r = &rules[i];
        if (strstr(good_template, r->from) == NULL) {
            CHECK_MSG(0, "rule '%s': template lacks '%s'", r->name, r->from);
            continue;
        }
        char *t1 = replace(good_template, r->from, r->to, r->all);
        char *t2 = replace(t1, "@KEY3072@", key3072, 1);
        char *t3 = replace(t2, "@LONG@", a129, 1);
        char *json = replace(t3, "@KEY@", key2048, 1);
        seckit_fle_config *cfg = parse_json(json);
        if (r->want == NULL) {
            CHECK_MSG(cfg != NULL, "rule '%s': good config refused: %s", r->name, err.message);
        } else {
            CHECK_MSG(cfg == NULL, "rule '%s': bad config accepted", r->name);
            CHECK_MSG(strstr(err.message, r->want) != NULL, "rule '%s': message '%s' lacks '%s'",
                      r->name, err.message, r->want);
            CHECK_MSG(err.code == SECKIT_EFORMAT || err.code == SECKIT_ELIMIT, "rule '%s': code %d",
                      r->name, err.code);
        }
        seckit_fle_config_free(cfg);
        free(t1);
        free(t2);
        free(t3);
        free(json);
    }
}

static void test_explicit_profile(void)
{
    char *priv = NULL, *pub = NULL;
    size_t pl, ul;
    seckit_fle_profile *p = NULL;
    const char *const pats[] = {"Phone", "card*"};
    const char *const overlap[] = {"card*", "cardNumber"};
    const char *const star[] = {"*"};
    CHECK_OK(seckit_rsa_keygen(&priv, &pl, &pub, &ul, 2048, &err), &err);
    CHECK_OK(seckit_fle_profile_new(&p, pub, ul, "FLEDemo", "DemoPublicKey", pats, 2, &err), &err);
    seckit_fle_profile_free(p);
    p = NULL;
    CHECK_RC(seckit_fle_profile_new(&p, pub, ul, "FLEDemo", "DemoPublicKey", overlap, 2, &err),
             SECKIT_EFORMAT);
    CHECK(strstr(err.message, "overlaps") != NULL);
    CHECK_RC(seckit_fle_profile_new(&p, pub, ul, "FLEDemo", "DemoPublicKey", star, 1, &err),
             SECKIT_EFORMAT);
    CHECK_RC(seckit_fle_profile_new(&p, pub, ul, "FLE Demo", "DemoPublicKey", pats, 2, &err),
             SECKIT_EFORMAT);
    CHECK(strstr(err.message, "provider id") != NULL);
    CHECK_RC(seckit_fle_profile_new(&p, priv, pl, "FLEDemo", "DemoPublicKey", pats, 2, &err),
             SECKIT_EFORMAT);
    CHECK(p == NULL);
    seckit_secret_free(priv);
    free(pub);
}

static seckit_fle_config *config_with(const char *from, const char *to)
{
    char *t = replace(good_template, from, to, 0);
    char *json = replace(t, "@KEY@", key2048, 1);
    seckit_fle_config *cfg = parse_json(json);
    CHECK_MSG(cfg != NULL, "%s", err.message);
    free(t);
    free(json);
    return cfg;
}

static void test_selection(void)
{
    seckit_fle_selection sel;
    seckit_fle_config *cfg = config_with("", "");
    if (cfg == NULL)
        return;
    /* The content type picks P1; parameters and case do not matter. */
    CHECK_OK(seckit_fle_select(cfg, &sel, "application/x-www-form-urlencoded", NULL, &err), &err);
    CHECK(sel.action == SECKIT_FLE_ENCRYPT && sel.profile != NULL);
    const seckit_fle_profile *p1 = NULL, *p2 = NULL;
    CHECK_OK(seckit_fle_config_profile(cfg, &p1, "P1", &err), &err);
    CHECK_OK(seckit_fle_config_profile(cfg, &p2, "P2", &err), &err);
    CHECK(sel.profile == p1);
    CHECK_OK(seckit_fle_select(cfg, &sel, "Application/X-WWW-Form-Urlencoded; charset=UTF-8", "",
                               &err),
             &err);
    CHECK(sel.profile == p1);
    /* fle-profile overrides the content type's profile. */
    CHECK_OK(seckit_fle_select(cfg, &sel, NULL, "?a=1&fle-profile=email&b=2", &err), &err);
    CHECK(sel.action == SECKIT_FLE_ENCRYPT && sel.profile == p2);
    CHECK(strstr(sel.reason, "fle-profile=email") != NULL);
    /* Unknown fle-profile: refused. */
    CHECK_RC(seckit_fle_select(cfg, &sel, NULL, "fle-profile=nope", &err), SECKIT_EPOLICY);
    CHECK(strstr(err.message, "ForwardWhenQueryArgProfileIsUnknown is false") != NULL);
    /* Unknown content type: refused. */
    CHECK_RC(seckit_fle_select(cfg, &sel, "multipart/form-data; boundary=x", NULL, &err),
             SECKIT_EPOLICY);
    CHECK(strstr(err.message, "ForwardWhenContentTypeIsUnknown is false") != NULL);
    seckit_fle_config_free(cfg);

    /* Forward flags set: forwarded unencrypted / content-type profile. */
    cfg = config_with("\"ForwardWhenContentTypeIsUnknown\":false",
                      "\"ForwardWhenContentTypeIsUnknown\":true");
    if (cfg != NULL) {
        CHECK_OK(seckit_fle_select(cfg, &sel, "application/json", NULL, &err), &err);
        CHECK(sel.action == SECKIT_FLE_FORWARD && sel.profile == NULL);
        seckit_fle_config_free(cfg);
    }
    cfg = config_with("\"ForwardWhenQueryArgProfileIsUnknown\":false",
                      "\"ForwardWhenQueryArgProfileIsUnknown\":true");
    if (cfg != NULL) {
        CHECK_OK(seckit_fle_config_profile(cfg, &p1, "P1", &err), &err);
        CHECK_OK(seckit_fle_select(cfg, &sel, NULL, "fle-profile=nope", &err), &err);
        CHECK(sel.action == SECKIT_FLE_ENCRYPT && sel.profile == p1);
        seckit_fle_config_free(cfg);
    }
    /* A content type without a profile: always forwarded. */
    cfg = config_with(",\"ProfileId\":\"P1\"", "");
    if (cfg != NULL) {
        CHECK_OK(seckit_fle_select(cfg, &sel, NULL, NULL, &err), &err);
        CHECK(sel.action == SECKIT_FLE_FORWARD);
        CHECK(strstr(sel.reason, "without a profile") != NULL);
        /* ...but fle-profile still selects one. */
        CHECK_OK(seckit_fle_select(cfg, &sel, NULL, "fle-profile=email", &err), &err);
        CHECK(sel.action == SECKIT_FLE_ENCRYPT);
        seckit_fle_config_free(cfg);
    }
    /* Without a QueryArgProfileConfig, fle-profile is ignored. */
    cfg = config_with(",\"QueryArgProfileConfig\":{\"ForwardWhenQueryArgProfileIsUnknown\":false,"
                      "\"QueryArgProfiles\":{\"Quantity\":1,\"Items\":[{\"QueryArg\":\"email\","
                      "\"ProfileId\":\"EmailProfile\"}]}}",
                      "");
    if (cfg != NULL) {
        CHECK_OK(seckit_fle_config_profile(cfg, &p1, "P1", &err), &err);
        CHECK_OK(seckit_fle_select(cfg, &sel, NULL, "fle-profile=email", &err), &err);
        CHECK(sel.action == SECKIT_FLE_ENCRYPT && sel.profile == p1);
        seckit_fle_config_free(cfg);
    }
    /* Without "config", only explicit profiles: selection is refused. */
    char *j0 = good_json();
    strcpy(strstr(j0, ",\"config\":"), "}");
    cfg = parse_json(j0);
    free(j0);
    CHECK_MSG(cfg != NULL, "%s", err.message);
    if (cfg != NULL) {
        CHECK(!seckit_fle_config_has_config(cfg));
        CHECK_RC(seckit_fle_select(cfg, &sel, NULL, NULL, &err), SECKIT_EINVAL);
        seckit_fle_config_free(cfg);
    }
}

/* Several documents, in the shapes `aws cloudfront get-*` prints and the
 * bare *Config objects; every problem reported. */
static size_t n_reported;
static char reported[4096];
static void on_problem(void *ctx, const seckit_error *e)
{
    (void)ctx;
    n_reported++;
    size_t n = strlen(reported);
    snprintf(reported + n, sizeof reported - n, "%s\n", e->message);
}

static void test_sources(void)
{
    char *key =
        replace("{\"ETag\":\"E1\",\"PublicKey\":{\"Id\":\"K2PUB\",\"CreatedTime\":\"2026-01-01\","
                "\"PublicKeyConfig\":{\"CallerReference\":\"c\",\"Name\":\"DemoPublicKey\","
                "\"EncodedKey\":\"@KEY@\"}}}",
                "@KEY@", key2048, 1);
    const char *profile =
        "{\"ETag\":\"E2\",\"FieldLevelEncryptionProfile\":{\"Id\":\"P2PROF\",\"LastModifiedTime\":"
        "\"2026-01-01\",\"FieldLevelEncryptionProfileConfig\":{\"Name\":\"DemoProfile\","
        "\"CallerReference\":\"r\",\"EncryptionEntities\":{\"Quantity\":1,\"Items\":[{"
        "\"PublicKeyId\":\"K2PUB\",\"ProviderId\":\"FLEDemo\",\"FieldPatterns\":{\"Quantity\":1,"
        "\"Items\":[\"Phone\"]}}]}}}}";
    const char *fle =
        "{\"ETag\":\"E3\",\"FieldLevelEncryption\":{\"Id\":\"C3\",\"LastModifiedTime\":\"x\","
        "\"FieldLevelEncryptionConfig\":{\"CallerReference\":\"c\",\"ContentTypeProfileConfig\":{"
        "\"ForwardWhenContentTypeIsUnknown\":true,\"ContentTypeProfiles\":{\"Quantity\":1,"
        "\"Items\":[{\"Format\":\"URLEncoded\",\"ProfileId\":\"P2PROF\",\"ContentType\":"
        "\"application/x-www-form-urlencoded\"}]}}}}}";
    seckit_fle_config_source src[4] = {{"key.json", key, strlen(key)},
                                       {"profile.json", profile, strlen(profile)},
                                       {"fle.json", fle, strlen(fle)},
                                       {NULL, NULL, 0}};
    seckit_fle_config *cfg = NULL;
    size_t np = 99;
    CHECK_OK(seckit_fle_config_parse_sources(&cfg, &np, src, 3, on_problem, NULL, &err), &err);
    CHECK(np == 0);
    CHECK(cfg != NULL && seckit_fle_config_has_config(cfg));
    CHECK(cfg != NULL && seckit_fle_config_profile_count(cfg) == 1);
    seckit_fle_selection sel;
    if (cfg != NULL) {
        CHECK_OK(seckit_fle_select(cfg, &sel, NULL, NULL, &err), &err);
        CHECK(sel.action == SECKIT_FLE_ENCRYPT);
    }
    seckit_fle_config_free(cfg);
    /* Combined into seckit's one-file shape, which parses on its own. */
    char *combined = NULL;
    CHECK_OK(seckit_fle_config_combine(&combined, src, 3, &err), &err);
    CHECK(combined != NULL && strstr(combined, "\"public_keys\":[{\"Id\":\"K2PUB\"") != NULL);
    cfg = combined != NULL ? parse_json(combined) : NULL;
    CHECK_MSG(cfg != NULL, "%s", err.message);
    seckit_fle_config_free(cfg);
    free(combined);
    /* The -config variants and the bare objects (references by Name). */
    char *bare_key = replace("{\"CallerReference\":\"c\",\"Name\":\"DemoPublicKey\",\"EncodedKey\":"
                             "\"@KEY@\"}",
                             "@KEY@", key2048, 1);
    const char *bare_profile =
        "{\"ETag\":\"E\",\"FieldLevelEncryptionProfileConfig\":{\"Name\":\"BP\",\"CallerReference\":"
        "\"r\",\"EncryptionEntities\":{\"Items\":[{\"PublicKeyId\":\"DemoPublicKey\","
        "\"ProviderId\":\"FLEDemo\",\"FieldPatterns\":{\"Items\":[\"Phone\"]}}]}}}";
    const char *bare_config =
        "{\"CallerReference\":\"c\",\"ContentTypeProfileConfig\":{"
        "\"ForwardWhenContentTypeIsUnknown\":false,\"ContentTypeProfiles\":{\"Items\":[{"
        "\"Format\":\"URLEncoded\",\"ProfileId\":\"BP\",\"ContentType\":"
        "\"application/x-www-form-urlencoded\"}]}}}";
    seckit_fle_config_source bare[3] = {{"k", bare_key, strlen(bare_key)},
                                        {"p", bare_profile, strlen(bare_profile)},
                                        {"c", bare_config, strlen(bare_config)}};
    CHECK_OK(seckit_fle_config_parse_sources(&cfg, NULL, bare, 3, NULL, NULL, &err), &err);
    seckit_fle_config_free(cfg);
    /* The bare key has no Id: the get-* profile's reference by Id fails. */
    src[0] = bare[0];
    n_reported = 0;
    reported[0] = '\0';
    CHECK_RC(seckit_fle_config_parse_sources(&cfg, &np, src, 2, on_problem, NULL, &err),
             SECKIT_EFORMAT);
    CHECK(cfg == NULL && np == 1 && n_reported == 1);
    CHECK(strncmp(err.message, "profile.json: FieldLevelEncryptionProfile.", 42) == 0);
    /* An unknown shape lists the accepted ones; JSON errors keep positions;
     * every problem is reported, the first returned. */
    const char *other = "{\"DistributionConfig\":{}}";
    const char *broken = "{\n \"PublicKey\": [";
    char *bad_key = replace(key, "DemoPublicKey", "Bad Name", 1);
    seckit_fle_config_source many[4] = {{"other.json", other, strlen(other)},
                                        {"broken.json", broken, strlen(broken)},
                                        {"badkey.json", bad_key, strlen(bad_key)},
                                        {"profile.json", profile, strlen(profile)}};
    n_reported = 0;
    reported[0] = '\0';
    CHECK_RC(seckit_fle_config_parse_sources(&cfg, &np, many, 4, on_problem, NULL, &err),
             SECKIT_EFORMAT);
    CHECK_MSG(np == 3 && n_reported == 3, "%zu problems: %s", np, reported);
    CHECK(strstr(err.message, "other.json: FLE configuration: not a shape") == err.message);
    CHECK(strstr(err.message, "get-field-level-encryption-profile") != NULL);
    CHECK(strstr(reported, "broken.json: FLE configuration: not valid JSON at line 2") != NULL);
    CHECK(strstr(reported, "badkey.json: PublicKey.PublicKeyConfig.Name: ") != NULL);
    /* The bad key is still known by its Id: no problem for the profile. */
    CHECK(strstr(reported, "profile.json") == NULL);
    /* Without a callback: the same count and first problem. */
    CHECK_RC(seckit_fle_config_parse_sources(&cfg, &np, many, 4, NULL, NULL, &err), SECKIT_EFORMAT);
    CHECK(np == 3);
    /* Two configurations; no document; combine refuses bad shapes. */
    seckit_fle_config_source two[4] = {{"key.json", key, strlen(key)},
                                       {"profile.json", profile, strlen(profile)},
                                       {"a.json", fle, strlen(fle)},
                                       {"b.json", fle, strlen(fle)}};
    CHECK_RC(seckit_fle_config_parse_sources(&cfg, &np, two, 4, NULL, NULL, &err), SECKIT_EFORMAT);
    CHECK(strstr(err.message, "b.json: FieldLevelEncryption: a second") != NULL);
    CHECK_RC(seckit_fle_config_parse_sources(&cfg, NULL, two, 0, NULL, NULL, &err), SECKIT_EINVAL);
    CHECK_RC(seckit_fle_config_combine(&combined, many, 1, &err), SECKIT_EFORMAT);
    CHECK(combined == NULL);
    /* One seckit file keeps its old messages (no source name). */
    CHECK(parse_json("{\"profiles\":[]}") == NULL);
    CHECK_STR(err.message, "public_keys: required (an array of public keys)");
    free(key);
    free(bare_key);
    free(bad_key);
}

/* The keys folder loader: DIR/PROVIDER/KEYNAME.pem. */
static void write_text(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");
    if (f != NULL) {
        fputs(text, f);
        fclose(f);
    }
    chmod(path, mode);
}

static void test_keys_dir(void)
{
    char dir[256], p[512];
    snprintf(dir, sizeof dir, "%s/seckit-keysdir-XXXXXX",
             getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
    if (mkdtemp(dir) == NULL) {
        SKIP("keys_dir", "cannot make a temporary directory");
        return;
    }
    char *priv = NULL, *pub = NULL;
    size_t pl, ul;
    CHECK_OK(seckit_rsa_keygen(&priv, &pl, &pub, &ul, 2048, &err), &err);
    seckit_fle_decryptor *d = NULL;
    size_t n = 99;
    /* Empty: SECKIT_ENOTFOUND; missing: SECKIT_ENOENT. */
    CHECK_OK(seckit_fle_decryptor_new(&d, NULL, &err), &err);
    CHECK_RC(seckit_fle_decryptor_add_keys_dir(d, &n, dir, 0, &err), SECKIT_ENOTFOUND);
    CHECK(n == 0);
    snprintf(p, sizeof p, "%s/none", dir);
    CHECK_RC(seckit_fle_decryptor_add_keys_dir(d, &n, p, 1, &err), SECKIT_ENOENT);
    seckit_fle_decryptor_unref(d);
    /* Two providers, three keys; other files ignored. */
    snprintf(p, sizeof p, "%s/FLEDemo", dir);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/Other", dir);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/FLEDemo/KeyA.pem", dir);
    write_text(p, priv, 0600);
    snprintf(p, sizeof p, "%s/FLEDemo/KeyB.pem", dir);
    write_text(p, priv, 0600);
    snprintf(p, sizeof p, "%s/Other/KeyC.pem", dir);
    write_text(p, priv, 0600);
    snprintf(p, sizeof p, "%s/FLEDemo/README.txt", dir);
    write_text(p, "not a key", 0600);
    snprintf(p, sizeof p, "%s/FLEDemo/.hidden.pem", dir);
    write_text(p, "not a key", 0600);
    snprintf(p, sizeof p, "%s/top.pem", dir);
    write_text(p, "not a key", 0600);
    CHECK_OK(seckit_fle_decryptor_new(&d, NULL, &err), &err);
    CHECK_OK(seckit_fle_decryptor_add_keys_dir(d, &n, dir, 0, &err), &err);
    CHECK(n == 3 && seckit_fle_decryptor_key_count(d) == 3);
    /* The keys work: a value encrypted for FLEDemo/KeyB decrypts. */
    const char *pats[] = {"Phone"};
    seckit_fle_profile *prof = NULL;
    char *b64 = NULL;
    size_t b64_len = 0;
    CHECK_OK(seckit_fle_profile_new(&prof, pub, ul, "FLEDemo", "KeyB", pats, 1, &err), &err);
    CHECK_OK(seckit_fle_encrypt_value(prof, &b64, &b64_len, "Phone", "404", 3, &err), &err);
    uint8_t *plain = NULL;
    size_t plain_len = 0;
    if (b64 != NULL) {
        CHECK_OK(seckit_fle_decrypt_value(d, &plain, &plain_len, b64, b64_len, &err), &err);
        CHECK(plain_len == 3 && plain != NULL && memcmp(plain, "404", 3) == 0);
    }
    seckit_secret_free(plain);
    free(b64);
    seckit_fle_profile_free(prof);
    /* Sealed: refused. */
    CHECK_RC(seckit_fle_decryptor_add_keys_dir(d, &n, dir, 0, &err), SECKIT_EINVAL);
    seckit_fle_decryptor_unref(d);
    /* A key file others can read: refused (naming it) unless allowed. */
    snprintf(p, sizeof p, "%s/Other/KeyC.pem", dir);
    chmod(p, 0644);
    CHECK_OK(seckit_fle_decryptor_new(&d, NULL, &err), &err);
    CHECK(seckit_fle_decryptor_add_keys_dir(d, &n, dir, 0, &err) != 0);
    CHECK(strstr(err.message, "KeyC.pem") != NULL && n == 0);
    seckit_fle_decryptor_unref(d);
    CHECK_OK(seckit_fle_decryptor_new(&d, NULL, &err), &err);
    CHECK_OK(seckit_fle_decryptor_add_keys_dir(d, &n, dir, 1, &err), &err);
    CHECK(n == 3);
    seckit_fle_decryptor_unref(d);
    /* A file that is not a key: the load fails naming it. */
    chmod(p, 0600);
    snprintf(p, sizeof p, "%s/Other/Broken.pem", dir);
    write_text(p, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", 0600);
    CHECK_OK(seckit_fle_decryptor_new(&d, NULL, &err), &err);
    CHECK(seckit_fle_decryptor_add_keys_dir(d, &n, dir, 0, &err) != 0);
    CHECK(strstr(err.message, "Broken.pem") != NULL);
    seckit_fle_decryptor_unref(d);
    CHECK_RC(seckit_fle_decryptor_add_keys_dir(NULL, &n, dir, 0, &err), SECKIT_EINVAL);
    seckit_secret_free(priv);
    free(pub);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", dir);
}

int main(void)
{
    TEST_INIT();
    if (make_key(2048, key2048, sizeof(key2048)) != 0 ||
        make_key(3072, key3072, sizeof(key3072)) != 0) {
        printf("FAIL keygen: %s\n", err.message);
        return 1;
    }
    fill_rules();
    TEST(test_good_config);
    TEST(test_rules);
    TEST(test_explicit_profile);
    TEST(test_selection);
    TEST(test_sources);
    TEST(test_keys_dir);
    TEST_EXIT();
}

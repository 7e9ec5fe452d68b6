/* What an origin server that links the library needs: the per-field
 * decryption API, the lenient form mode and the client-safe error
 * messages. */
#include "config.h"

#include "seckit/seckit.h"
#include "seckit/keys.h"
#include "testlib.h"

#define SKT_TEST_LEN(a) (sizeof(a) / sizeof((a)[0]))

static seckit_error err;
static char *priv, *pub, *other_priv, *other_pub;
static size_t priv_len, pub_len, other_priv_len, other_pub_len;

/* Distinctive names, to look for in messages shown to clients. */
#define PROVIDER "ProvSecretX1"
#define KEY_NAME "KeyNameSecretY2"
#define OTHER_PROVIDER "ProvOtherZ3"
#define OTHER_KEY "KeyOtherW4"

static const char *const phone[] = {"Phone"};

static seckit_fle_decryptor *decryptor(int lenient)
{
    seckit_fle_decrypt_options o;
    o = (seckit_fle_decrypt_options)SECKIT_FLE_DECRYPT_OPTIONS_INIT;
    o.lenient_form = lenient;
    seckit_fle_decryptor *d = NULL;
    if (seckit_fle_decryptor_new(&d, &o, &err) != 0 ||
        seckit_fle_decryptor_add_key(d, PROVIDER, KEY_NAME, priv, priv_len, SECKIT_RSA_OAEP_SHA256,
                                     &err) != 0) {
        seckit_fle_decryptor_free(d);
        return NULL;
    }
    return d;
}

/* The base64 FLE value of `plain` for field Phone (percent-encoded for a
 * body), encrypted to the given public key and names. */
static char *enc_value(const char *pubkey, size_t publen, const char *provider, const char *key,
                       const char *plain)
{
    seckit_fle_profile *p = NULL;
    const char *pats[] = {"Phone"};
    char *b64 = NULL, *pct = NULL;
    size_t bl = 0, pl = 0;
    if (seckit_fle_profile_new(&p, pubkey, publen, provider, key, pats, 1, &err) == 0 &&
        seckit_fle_encrypt_value(p, &b64, &bl, "Phone", plain, strlen(plain), &err) == 0 &&
        seckit_form_encode_component(&pct, &pl, b64, bl, &err) == 0) {
        char *copy = strdup(pct);
        seckit_secret_free(pct);
        free(b64);
        seckit_fle_profile_free(p);
        return copy;
    }
    free(b64);
    seckit_fle_profile_free(p);
    return NULL;
}

static char *body_with(const char *before, const char *value, const char *after)
{
    size_t n = strlen(before) + strlen(value) + strlen(after) + 1;
    char *b = malloc(n);
    snprintf(b, n, "%s%s%s", before, value, after);
    return b;
}

static int count_cb(void *ctx, const seckit_fle_field *f)
{
    size_t *n = ctx;
    (*n)++;
    return f->index == 99 ? 7 : 0;
}

static int stop_cb(void *ctx, const seckit_fle_field *f)
{
    (void)ctx;
    return f->index == 1 ? 42 : 0;
}

static void test_per_field_api(void)
{
    seckit_fle_decryptor *d = decryptor(0);
    char *v = enc_value(pub, pub_len, PROVIDER, KEY_NAME, "404-555-0150");
    CHECK(d != NULL && v != NULL);
    if (d == NULL || v == NULL)
        goto done;
    char *body = body_with("Name=Jane+Doe&Phone=", v, "&&flag&note=a%26b");
    seckit_fle_fields *f = NULL;
    CHECK_OK(seckit_fle_decrypt_fields(d, &f, body, strlen(body), phone, 1, &err), &err);
    CHECK(seckit_fle_fields_count(f) == 5);
    CHECK(seckit_fle_fields_decrypted(f) == 1);
    seckit_fle_field x;
    CHECK_OK(seckit_fle_fields_get(f, &x, 0), &err);
    CHECK(x.index == 0 && x.offset == 0 && !x.decrypted && x.plaintext == NULL && x.strict);
    CHECK(x.raw_len == 13 && memcmp(x.raw, "Name=Jane+Doe", 13) == 0);
    CHECK(x.raw_name_len == 4 && memcmp(x.raw_name, "Name", 4) == 0);
    CHECK(x.raw_value_len == 8 && memcmp(x.raw_value, "Jane+Doe", 8) == 0);
    CHECK_STR(x.value, "Jane Doe");
    CHECK_OK(seckit_fle_fields_get(f, &x, 1), &err);
    CHECK(x.decrypted && x.offset == 14 && x.name_len == 5 && strcmp(x.name, "Phone") == 0);
    CHECK(x.plaintext_len == 12 && strcmp((const char *)x.plaintext, "404-555-0150") == 0);
    CHECK(x.raw_value_len == strlen(v) && memcmp(x.raw_value, v, strlen(v)) == 0);
    CHECK_OK(seckit_fle_fields_get(f, &x, 2), &err);
    CHECK(x.raw_len == 0 && x.name_len == 0 && !x.has_value);
    CHECK_OK(seckit_fle_fields_get(f, &x, 3), &err);
    CHECK(strcmp(x.name, "flag") == 0 && !x.has_value && x.raw_value_len == 0);
    CHECK_OK(seckit_fle_fields_get(f, &x, 4), &err);
    CHECK(strcmp(x.value, "a&b") == 0 && x.raw_value_len == 5);
    CHECK_RC(seckit_fle_fields_get(f, &x, 5), SECKIT_EINVAL);
    CHECK_RC(seckit_fle_fields_get(NULL, &x, 0), SECKIT_EINVAL);
    size_t n = 0;
    CHECK_RC(seckit_fle_fields_foreach(f, count_cb, &n), 0);
    CHECK(n == 5);
    CHECK_RC(seckit_fle_fields_foreach(f, stop_cb, NULL), 42);
    CHECK_RC(seckit_fle_fields_foreach(f, NULL, NULL), SECKIT_EINVAL);
    seckit_fle_fields_free(f);
    seckit_fle_fields_free(NULL);
    /* Bad arguments. */
    f = (seckit_fle_fields *)1;
    CHECK_RC(seckit_fle_decrypt_fields(NULL, &f, body, strlen(body), phone, 1, &err),
             SECKIT_EINVAL);
    CHECK(f == NULL);
    CHECK_RC(seckit_fle_decrypt_fields(d, &f, body, strlen(body), NULL, 1, &err), SECKIT_EINVAL);
    /* All or nothing: a tampered value returns nothing. */
    char *t = strdup(body);
    char *at = strstr(t, "Phone=") + 6 + strlen(v) / 2;
    *at = *at == 'A' ? 'B' : 'A';
    f = (seckit_fle_fields *)1;
    CHECK(seckit_fle_decrypt_fields(d, &f, t, strlen(t), phone, 1, &err) < 0);
    CHECK(f == NULL);
    /* A named field that is missing, or not encrypted. */
    const char *const email[] = {"Email"};
    CHECK_RC(seckit_fle_decrypt_fields(d, &f, body, strlen(body), email, 1, &err),
             SECKIT_ENOTFOUND);
    const char *const name[] = {"Name"};
    CHECK_RC(seckit_fle_decrypt_fields(d, &f, body, strlen(body), name, 1, &err), SECKIT_EFORMAT);
    CHECK(f == NULL);
    free(t);
    free(body);
done:
    free(v);
    seckit_fle_decryptor_free(d);
}

/* The decryptor's patterns and the any_encrypted_field opt-in select the
 * fields as they do for seckit_fle_decrypt_body. */
static void test_fields_selection(void)
{
    char *v = enc_value(pub, pub_len, PROVIDER, KEY_NAME, "404-555-0150");
    seckit_fle_decryptor *d = decryptor(0);
    CHECK(v != NULL && d != NULL);
    if (v == NULL || d == NULL)
        goto done;
    char *body = body_with("comment=", v, "&Phone=");
    char *b2 = body_with(body, v, "");
    seckit_fle_fields *f = NULL;
    /* Nothing named: refused, with a public message. */
    CHECK_RC(seckit_fle_decrypt_fields(d, &f, b2, strlen(b2), NULL, 0, &err), SECKIT_EINVAL);
    CHECK_STR(err.public_message, "internal error");
    seckit_fle_decryptor_free(d);
    /* A pattern: only Phone, not the encrypted value posted as comment. */
    d = decryptor(0);
    if (d == NULL)
        goto free_bodies;
    seckit_fle_decryptor *pd = NULL;
    seckit_fle_decrypt_options o;
    o = (seckit_fle_decrypt_options)SECKIT_FLE_DECRYPT_OPTIONS_INIT;
    CHECK_OK(seckit_fle_decryptor_new(&pd, &o, &err), &err);
    CHECK_OK(seckit_fle_decryptor_add_key(pd, PROVIDER, KEY_NAME, priv, priv_len,
                                          SECKIT_RSA_OAEP_SHA256, &err),
             &err);
    CHECK_OK(seckit_fle_decryptor_add_field(pd, "Pho*", &err), &err);
    CHECK_OK(seckit_fle_decrypt_fields(pd, &f, b2, strlen(b2), NULL, 0, &err), &err);
    seckit_fle_field x;
    CHECK(seckit_fle_fields_decrypted(f) == 1);
    CHECK(seckit_fle_fields_get(f, &x, 0) == 0 && !x.decrypted);
    CHECK(seckit_fle_fields_get(f, &x, 1) == 0 && x.decrypted);
    seckit_fle_fields_free(f);
    /* The decryptor is sealed by the first decryption. */
    CHECK_RC(seckit_fle_decryptor_add_field(pd, "Email", &err), SECKIT_EINVAL);
    seckit_fle_decryptor_free(pd);
    /* The risky opt-in decrypts both. */
    o.any_encrypted_field = 1;
    pd = NULL;
    CHECK_OK(seckit_fle_decryptor_new(&pd, &o, &err), &err);
    CHECK_OK(seckit_fle_decryptor_add_key(pd, PROVIDER, KEY_NAME, priv, priv_len,
                                          SECKIT_RSA_OAEP_SHA256, &err),
             &err);
    CHECK_OK(seckit_fle_decrypt_fields(pd, &f, b2, strlen(b2), NULL, 0, &err), &err);
    CHECK(seckit_fle_fields_decrypted(f) == 2);
    seckit_fle_fields_free(f);
    seckit_fle_decryptor_free(pd);
free_bodies:
    free(body);
    free(b2);
done:
    free(v);
    seckit_fle_decryptor_free(d);
}

static void test_form_lenient_codec(void)
{
    const char *body = "city=Z\xc3\xbcrich&n=a|b;c&p=100%&q=%zz&e=%41";
    seckit_form *f = NULL;
    CHECK_RC(seckit_form_parse(&f, body, strlen(body), 0, &err), SECKIT_EFORMAT);
    CHECK_RC(seckit_form_parse(&f, "a=b;c", 5, 0, &err), SECKIT_EFORMAT); /* ';' is strict now */
    CHECK_RC(seckit_form_parse_ex(&f, body, strlen(body), 0, 2, &err), SECKIT_EINVAL);
    CHECK_OK(seckit_form_parse_ex(&f, body, strlen(body), 0, SECKIT_FORM_LENIENT, &err), &err);
    if (f == NULL)
        return;
    CHECK(seckit_form_count(f) == 5);
    const char *n = "", *v = "";
    size_t nl, vl, bad = 0;
    CHECK_RC(seckit_form_field(f, &n, &nl, &v, &vl, NULL, 0), 0);
    CHECK(strcmp(v, "Z\xc3\xbcrich") == 0);
    CHECK(!seckit_form_field_is_strict(f, &bad, 0) && bad == 6);
    CHECK_RC(seckit_form_field(f, &n, &nl, &v, &vl, NULL, 1), 0);
    CHECK(strcmp(v, "a|b;c") == 0);
    CHECK_RC(seckit_form_field(f, &n, &nl, &v, &vl, NULL, 2), 0);
    CHECK(strcmp(v, "100%") == 0);
    CHECK_RC(seckit_form_field(f, &n, &nl, &v, &vl, NULL, 3), 0);
    CHECK(strcmp(v, "%zz") == 0);
    CHECK(!seckit_form_field_is_strict(f, NULL, 3));
    CHECK_RC(seckit_form_field(f, &n, &nl, &v, &vl, NULL, 4), 0);
    CHECK(strcmp(v, "A") == 0 && seckit_form_field_is_strict(f, NULL, 4));
    CHECK(!seckit_form_field_is_strict(f, NULL, 9));
    const char *raw;
    size_t rl, nrl;
    CHECK_OK(seckit_form_field_raw(f, &raw, &rl, &nrl, 1), &err);
    CHECK(rl == 7 && nrl == 1 && memcmp(raw, "n=a|b;c", 7) == 0);
    CHECK_RC(seckit_form_field_raw(f, &raw, &rl, &nrl, 5), SECKIT_EINVAL);
    /* Untouched fields serialise byte for byte. */
    char *out = NULL;
    size_t ol = 0;
    CHECK_OK(seckit_form_serialize(f, &out, &ol, &err), &err);
    CHECK(ol == strlen(body) && memcmp(out, body, ol) == 0);
    seckit_secret_free(out);
    seckit_form_free(f);
}

static void test_lenient_decrypt(void)
{
    seckit_fle_decryptor *strict = decryptor(0), *lenient = decryptor(1);
    char *v = enc_value(pub, pub_len, PROVIDER, KEY_NAME, "404-555-0150");
    CHECK(strict != NULL && lenient != NULL && v != NULL);
    if (strict == NULL || lenient == NULL || v == NULL)
        goto done;
    const char *before = "city=Z\xc3\xbcrich&n=a|b;c&Phone=";
    const char *after = "&p=100%";
    char *body = body_with(before, v, after);
    char *out = NULL;
    size_t ol = 0;
    CHECK_RC(seckit_fle_decrypt_body(strict, &out, &ol, NULL, body, strlen(body), phone, 1, &err),
             SECKIT_EFORMAT);
    CHECK(out == NULL);
    CHECK_OK(seckit_fle_decrypt_body(lenient, &out, &ol, NULL, body, strlen(body), phone, 1, &err),
             &err);
    char *want = body_with(before, "404-555-0150", after);
    CHECK(out != NULL && ol == strlen(want) && memcmp(out, want, ol) == 0);
    seckit_secret_free(out);
    free(want);
    seckit_fle_fields *f = NULL;
    CHECK_OK(seckit_fle_decrypt_fields(lenient, &f, body, strlen(body), phone, 1, &err), &err);
    seckit_fle_field x;
    CHECK(seckit_fle_fields_get(f, &x, 0) == 0 && !x.strict && !x.decrypted);
    CHECK(seckit_fle_fields_get(f, &x, 2) == 0 && x.strict && x.decrypted &&
          strcmp((const char *)x.plaintext, "404-555-0150") == 0);
    seckit_fle_fields_free(f);
    /* The encrypted field itself is still held to the strict codec. */
    static const char *const spoil[] = {"\xc3\xbc", "|", ";", "%", "%zz", " "};
    for (size_t i = 0; i < SKT_TEST_LEN(spoil); i++) {
        char *sv = body_with(v, spoil[i], "");
        char *sb = body_with("n=a|b&Phone=", sv, "&x=1");
        f = (seckit_fle_fields *)1;
        CHECK_RC(seckit_fle_decrypt_fields(lenient, &f, sb, strlen(sb), phone, 1, &err),
                 SECKIT_EFORMAT);
        CHECK(f == NULL);
        CHECK_MSG(strstr(err.message, "field 'Phone'") != NULL, "%s", err.message);
        CHECK_RC(seckit_fle_decrypt_body(lenient, &out, &ol, NULL, sb, strlen(sb), phone, 1, &err),
                 SECKIT_EFORMAT);
        free(sb);
        free(sv);
    }
    /* In a named field's name too. */
    char *nb = body_with("Pho%zzne=x&Phone=", v, "");
    CHECK_OK(seckit_fle_decrypt_body(lenient, &out, &ol, NULL, nb, strlen(nb), phone, 1, &err),
             &err);
    seckit_secret_free(out);
    free(nb);
    nb = body_with("Phone=", v, "&Phone=a|b");
    CHECK_RC(seckit_fle_decrypt_body(lenient, &out, &ol, NULL, nb, strlen(nb), phone, 1, &err),
             SECKIT_EFORMAT);
    free(nb);
    free(body);
done:
    free(v);
    seckit_fle_decryptor_free(strict);
    seckit_fle_decryptor_free(lenient);
}

/* The public message is set, short, and names no key, provider or offset. */
static void check_public(int rc, const char *what)
{
    const char *pm = seckit_error_public_message(&err);
    CHECK_MSG(rc < 0, "%s: succeeded", what);
    CHECK_MSG(err.public_message[0] != '\0', "%s: no public message (%s)", what, err.message);
    CHECK_MSG(strlen(pm) < SECKIT_ERROR_PUBLIC_MAX, "%s", what);
    static const char *const secret[] = {PROVIDER, KEY_NAME, OTHER_PROVIDER, OTHER_KEY,
                                         "offset", "0x",     "SECKIT_"};
    for (size_t i = 0; i < SKT_TEST_LEN(secret); i++)
        CHECK_MSG(strstr(pm, secret[i]) == NULL, "%s: public message '%s' contains '%s'", what, pm,
                  secret[i]);
    CHECK_MSG(strcmp(pm, err.message) != 0, "%s: public message is the detailed one", what);
}

static void test_public_messages(void)
{
    seckit_fle_decryptor *d = decryptor(0), *lenient = decryptor(1);
    char *good = enc_value(pub, pub_len, PROVIDER, KEY_NAME, "404-555-0150");
    /* Same key, other names: no key matches the EDK. */
    char *other = enc_value(pub, pub_len, OTHER_PROVIDER, OTHER_KEY, "404-555-0150");
    /* Our names, another key: the unwrap fails. */
    char *wrongkey = enc_value(other_pub, other_pub_len, PROVIDER, KEY_NAME, "404-555-0150");
    CHECK(d != NULL && lenient != NULL && good != NULL && other != NULL && wrongkey != NULL);
    if (d == NULL || lenient == NULL || good == NULL || other == NULL || wrongkey == NULL)
        goto done;
    char *out = NULL;
    size_t ol = 0;
    struct {
        const char *what;
        char *body;
        int lenient;
        const char *public_message;
    } cases[] = {
        {"no key", body_with("a=1&Phone=", other, ""), 0,
         "field 2: the encrypted value could not be decrypted"},
        {"wrong key", body_with("Phone=", wrongkey, ""), 0,
         "field 1: the encrypted value could not be decrypted"},
        {"tampered", NULL, 0, "field 1: the encrypted value could not be decrypted"},
        {"truncated", NULL, 0, "field 1: the encrypted value could not be decrypted"},
        {"not a form", strdup("{\"Phone\": \"x\"}"), 0,
         "the request body is not a valid form (application/x-www-form-urlencoded)"},
        {"not encrypted", strdup("Phone=404-555-0150"), 0, "field 1: the value is not encrypted"},
        {"missing", strdup("Name=x"), 0, "a required encrypted field is missing"},
        {"malformed encrypted field", body_with("Phone=", good, "|"), 1,
         "field 1: the encrypted value is malformed"},
    };
    cases[2].body = body_with("Phone=", good, "");
    char *at = strstr(cases[2].body, "=") + 1 + 200;
    *at = *at == 'A' ? 'B' : 'A';
    cases[3].body = body_with("Phone=", good, "");
    size_t cut = strlen(cases[3].body) - 40;
    while (cases[3].body[cut - 1] == '%' || cases[3].body[cut - 2] == '%')
        cut--; /* not inside a %XX */
    cases[3].body[cut] = '\0';
    for (size_t i = 0; i < SKT_TEST_LEN(cases); i++) {
        const char *b = cases[i].body;
        seckit_fle_decryptor *dd = cases[i].lenient ? lenient : d;
        seckit_fle_fields *f = NULL;
        int rc = seckit_fle_decrypt_fields(dd, &f, b, strlen(b), phone, 1, &err);
        check_public(rc, cases[i].what);
        CHECK_MSG(strcmp(err.public_message, cases[i].public_message) == 0, "%s: '%s'",
                  cases[i].what, err.public_message);
        rc = seckit_fle_decrypt_body(dd, &out, &ol, NULL, b, strlen(b), phone, 1, &err);
        check_public(rc, cases[i].what);
        CHECK_MSG(strcmp(err.public_message, cases[i].public_message) == 0, "%s: '%s'",
                  cases[i].what, err.public_message);
        free(cases[i].body);
    }
    /* The detailed message of "no key" names the EDK's provider and key
     * (that is for the log); the public one does not (checked above). */
    char *b = body_with("Phone=", other, "");
    CHECK_RC(seckit_fle_decrypt_body(d, &out, &ol, NULL, b, strlen(b), phone, 1, &err),
             SECKIT_ENOTFOUND);
    CHECK(strstr(err.message, OTHER_PROVIDER) != NULL && strstr(err.message, KEY_NAME) != NULL);
    free(b);
    /* Too large a body, too many fields. */
    seckit_fle_decrypt_options o;
    o = (seckit_fle_decrypt_options)SECKIT_FLE_DECRYPT_OPTIONS_INIT;
    o.max_body = 64;
    o.max_fields = 1;
    seckit_fle_decryptor *small = NULL;
    CHECK_OK(seckit_fle_decryptor_new(&small, &o, &err), &err);
    b = body_with("Phone=", good, "");
    CHECK(seckit_fle_decrypt_body(small, &out, &ol, NULL, b, strlen(b), phone, 1, &err) ==
          SECKIT_ELIMIT);
    check_public(SECKIT_ELIMIT, "too large");
    CHECK_STR(err.public_message, "the request body is too large");
    free(b);
    seckit_fle_decryptor_free(small);
    o.max_body = 0;
    CHECK_OK(seckit_fle_decryptor_new(&small, &o, &err), &err);
    b = body_with("Phone=", good, "&Phone=");
    char *b2 = body_with(b, good, "");
    CHECK(seckit_fle_decrypt_body(small, &out, &ol, NULL, b2, strlen(b2), phone, 1, &err) ==
          SECKIT_ELIMIT);
    check_public(SECKIT_ELIMIT, "too many");
    CHECK_STR(err.public_message, "too many encrypted fields");
    free(b2);
    free(b);
    seckit_fle_decryptor_free(small);
    /* seckit_fle_decrypt_value: one sentence for every failure. */
    uint8_t *plain = NULL;
    size_t pl = 0;
    const char *vals[] = {other, wrongkey, "not base64 !!", "AYAB"};
    for (size_t i = 0; i < SKT_TEST_LEN(vals); i++) {
        /* the values are percent-encoded; decode_value accepts the
         * %2B/%2F/%3D-free prefix, which is enough to fail. */
        int rc = seckit_fle_decrypt_value(d, &plain, &pl, vals[i], strlen(vals[i]), &err);
        check_public(rc, "decrypt_value");
        CHECK_STR(err.public_message, "the encrypted value could not be decrypted");
        CHECK(plain == NULL);
    }
    CHECK(seckit_fle_decrypt_value(NULL, &plain, &pl, "x", 1, &err) == SECKIT_EINVAL);
    CHECK_STR(err.public_message, "internal error");
done:
    free(good);
    free(other);
    free(wrongkey);
    seckit_fle_decryptor_free(d);
    seckit_fle_decryptor_free(lenient);
}

static void test_error_public_api(void)
{
    seckit_error e;
    seckit_error_clear(&e);
    CHECK_STR(seckit_error_public_message(&e), "");
    CHECK_STR(seckit_error_public_message(NULL), "");
    seckit_error_set(&e, SECKIT_EAUTH, "key %s failed", KEY_NAME);
    CHECK_STR(seckit_error_public_message(&e), "the request could not be decrypted");
    seckit_error_set(&e, SECKIT_EFORMAT, "detail");
    CHECK_STR(seckit_error_public_message(&e), "the request is malformed or not acceptable");
    seckit_error_set(&e, SECKIT_EIO, "detail");
    CHECK_STR(seckit_error_public_message(&e), "the request could not be processed");
    seckit_error_set_public(&e, "line\none %d", 1);
    CHECK_STR(seckit_error_public_message(&e), "line one 1");
    CHECK_STR(e.message, "detail");
    seckit_error_prefix(&e, "ctx");
    CHECK_STR(e.public_message, "line one 1");
    /* Setting a new error clears the old public message. */
    seckit_error_set(&e, SECKIT_EIO, "other");
    CHECK_STR(e.public_message, "");
    seckit_error_set_public(NULL, "x");
    char longer[400];
    memset(longer, 'a', sizeof(longer) - 1);
    longer[sizeof(longer) - 1] = '\0';
    seckit_error_set_public(&e, "%s", longer);
    CHECK(strlen(e.public_message) == SECKIT_ERROR_PUBLIC_MAX - 1);
}

int main(void)
{
    TEST_INIT();
    if (seckit_rsa_keygen(&priv, &priv_len, &pub, &pub_len, 2048, &err) != 0 ||
        seckit_rsa_keygen(&other_priv, &other_priv_len, &other_pub, &other_pub_len, 2048, &err) !=
            0) {
        printf("FAIL keygen: %s\n", err.message);
        return 1;
    }
    TEST(test_per_field_api);
    TEST(test_fields_selection);
    TEST(test_form_lenient_codec);
    TEST(test_lenient_decrypt);
    TEST(test_public_messages);
    TEST(test_error_public_api);
    seckit_secret_free(priv);
    seckit_secret_free(other_priv);
    free(pub);
    free(other_pub);
    TEST_EXIT();
}

/* EMRFS role mappings: the security configuration reader (three shapes,
 * JSON and YAML, every malformed shape rejected with its position), S3
 * locations, the users-and-groups file, resolution (the seed post's
 * scenario), roles from authorization details and files, the checks, and
 * can-access with the post's answers. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seckit/emrfs.h"
#include "seckit/file.h"
#include "tests/unit/testlib.h"

#define ACCT "511586466501"
#define ROLE(n) "arn:aws:iam::" ACCT ":role/" n
#define INSTANCE ROLE("EMR_EC2_RestrictedRole")

static char *load(const char *name, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/data/emrfs/%s", tl_data_dir(), name);
    uint8_t *b = NULL;
    seckit_error err;
    if (seckit_file_read(&b, len, path, 1u << 26, &err) != 0) {
        printf("# cannot read %s: %s\n", path, err.message);
        return NULL;
    }
    return (char *)b;
}

static seckit_emrfs_config *parse_file(const char *name)
{
    size_t len = 0;
    char *t = load(name, &len);
    if (t == NULL)
        return NULL;
    seckit_emrfs_config *c = NULL;
    seckit_error err;
    seckit_emrfs_config_options o = {SECKIT_EMRFS_CONFIG_OPTIONS_VERSION, name, NULL};
    if (seckit_emrfs_config_parse(&c, t, len, &o, &err) != 0)
        printf("# %s: %s\n", name, err.message);
    free(t);
    return c;
}

static void check_seed_mappings(const seckit_emrfs_config *c)
{
    CHECK(c != NULL);
    if (c == NULL)
        return;
    CHECK(c->count == 4);
    if (c->count != 4)
        return;
    CHECK_STR(c->mappings[0].role, ROLE("emrfs_auth_user_role_admin_user"));
    CHECK(c->mappings[0].type == SECKIT_EMRFS_USER);
    CHECK_STR(c->mappings[0].identifiers[0].value, "admin1");
    CHECK(c->mappings[1].type == SECKIT_EMRFS_GROUP);
    CHECK_STR(c->mappings[1].identifiers[0].value, "grp_data_engineering");
    CHECK(c->mappings[2].type == SECKIT_EMRFS_GROUP);
    CHECK_STR(c->mappings[2].identifiers[0].value, "grp_data_science");
    CHECK(c->mappings[3].type == SECKIT_EMRFS_PREFIX);
    CHECK_STR(c->mappings[3].identifiers[0].value, "s3://emrfs-auth-default-bucket-demo/");
    CHECK_STR(c->mappings[3].role, ROLE("emrfs_auth_prefix_role_default_s3_prefix"));
    for (size_t i = 0; i < 4; i++) {
        CHECK(c->mappings[i].index == i);
        CHECK(c->mappings[i].identifier_count == 1);
        CHECK(c->mappings[i].pos.line > 0);
        CHECK(c->mappings[i].identifiers[0].pos.line > 0);
    }
}

static void test_shapes(void)
{
    static const struct {
        const char *file;
        seckit_emrfs_shape shape;
        const char *name;
    } cases[] = {
        {"security-configuration.json", SECKIT_EMRFS_SHAPE_CREATE, NULL},
        {"describe-security-configuration.json", SECKIT_EMRFS_SHAPE_DESCRIBE, "MyKerberosConfig"},
        {"cloudformation.json", SECKIT_EMRFS_SHAPE_CLOUDFORMATION, "MyKerberosConfig"},
        {"cloudformation.yaml", SECKIT_EMRFS_SHAPE_CLOUDFORMATION, "MyKerberosConfig"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        seckit_emrfs_config *c = parse_file(cases[i].file);
        CHECK_MSG(c != NULL, "%s did not parse", cases[i].file);
        if (c == NULL)
            continue;
        check_seed_mappings(c);
        CHECK(c->shape == cases[i].shape);
        if (cases[i].name == NULL)
            CHECK(c->name == NULL);
        else
            CHECK_STR(c->name, cases[i].name);
        seckit_emrfs_config_free(c);
    }
    /* positions in the create shape: mapping 3's identifier */
    seckit_emrfs_config *c = parse_file("security-configuration.json");
    if (c != NULL) {
        CHECK(c->mappings[3].identifiers[0].pos.line == 23);
        CHECK(c->mappings[3].identifiers[0].pos.column == 26);
        CHECK(c->mappings[0].pos.line == 5);
        seckit_emrfs_config_free(c);
    }
    /* inside describe's JSON string: positions are mapped through the escapes */
    c = parse_file("describe-security-configuration.json");
    size_t len = 0;
    char *t = load("describe-security-configuration.json", &len);
    if (c != NULL && t != NULL) {
        const char *at = strstr(t, "\\\"s3://emrfs-auth-default-bucket-demo/");
        const char *line3 = strchr(strchr(t, '\n') + 1, '\n') + 1;
        CHECK(at != NULL);
        CHECK(c->mappings[3].identifiers[0].pos.line == 3);
        CHECK(at != NULL && c->mappings[3].identifiers[0].pos.offset == (size_t)(at - t));
        CHECK(at != NULL && c->mappings[3].identifiers[0].pos.column == (size_t)(at - line3));
        CHECK(c->mappings[0].pos.line == 3);
    }
    free(t);
    seckit_emrfs_config_free(c);
    /* \u escapes (one to four UTF-8 bytes, surrogate pairs) keep the map in step */
    static const char esc[] =
        "{\"SecurityConfiguration\":\"{\\\"AuthorizationConfiguration\\u0022:{\\\"EmrFsConfiguration\\\":"
        "{\\\"RoleMappings\\\":[{\\\"Role\\\":\\\"arn:aws:iam::111122223333:role/r\\\","
        "\\\"IdentifierType\\\":\\\"User\\\",\\\"Identifiers\\\":[\\\"\\u00e9\\u20ac\\ud83d\\ude00\\\","
        "\\\"x\\\"]}]}}}\"}";
    seckit_error err;
    c = NULL;
    CHECK_OK(seckit_emrfs_config_parse(&c, esc, strlen(esc), NULL, &err), &err);
    if (c != NULL) {
        const char *x = strstr(esc, "\\\"x\\\"");
        CHECK_STR(c->mappings[0].identifiers[0].value, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
        CHECK(x != NULL && c->mappings[0].identifiers[1].pos.offset == (size_t)(x - esc));
        seckit_emrfs_config_free(c);
    }
    CHECK_STR(seckit_emrfs_shape_name(SECKIT_EMRFS_SHAPE_DESCRIBE),
              "describe-security-configuration");
    CHECK_STR(seckit_emrfs_identifier_type_name(SECKIT_EMRFS_PREFIX), "Prefix");
}

#define MAP(role, type, ids)                                                                       \
    "{\"Role\":\"arn:aws:iam::111122223333:role/" role "\",\"IdentifierType\":\"" type             \
    "\",\"Identifiers\":" ids "}"
#define SC(maps)                                                                                   \
    "{\"AuthorizationConfiguration\":{\"EmrFsConfiguration\":{\"RoleMappings\":[" maps "]}}}"

static void test_cfn_variants(void)
{
    /* Json property given as a string; several resources picked by id;
     * Name absent: the logical id */
    static const char two[] =
        "{\"Resources\":{"
        "\"A\":{\"Type\":\"AWS::EMR::SecurityConfiguration\",\"Properties\":{\"SecurityConfiguration\":"
        "\"{\\\"AuthorizationConfiguration\\\":{\\\"EmrFsConfiguration\\\":{\\\"RoleMappings\\\":[{"
        "\\\"Role\\\":\\\"arn:aws:iam::111122223333:role/r\\\",\\\"IdentifierType\\\":\\\"User\\\","
        "\\\"Identifiers\\\":[\\\"u\\\"]}]}}}\"}},"
        "\"B\":{\"Type\":\"AWS::EMR::SecurityConfiguration\",\"Properties\":{\"SecurityConfiguration\":" SC(
            MAP("r2", "Group", "[\"g\"]")) "}},"
                                           "\"Other\":{\"Type\":\"AWS::S3::Bucket\"}}}";
    seckit_emrfs_config *c = NULL;
    seckit_error err;
    CHECK_RC(seckit_emrfs_config_parse(&c, two, strlen(two), NULL, &err), SECKIT_EFORMAT);
    CHECK(strstr(err.message, "2 AWS::EMR::SecurityConfiguration resources (A, B)") != NULL);
    CHECK(c == NULL);
    seckit_emrfs_config_options o = {SECKIT_EMRFS_CONFIG_OPTIONS_VERSION, NULL, "B"};
    CHECK_OK(seckit_emrfs_config_parse(&c, two, strlen(two), &o, &err), &err);
    if (c != NULL) {
        CHECK_STR(c->name, "B");
        CHECK(c->mappings[0].type == SECKIT_EMRFS_GROUP);
        seckit_emrfs_config_free(c);
        c = NULL;
    }
    o.resource = "A";
    CHECK_OK(seckit_emrfs_config_parse(&c, two, strlen(two), &o, &err), &err);
    if (c != NULL) {
        CHECK_STR(c->mappings[0].identifiers[0].value, "u");
        seckit_emrfs_config_free(c);
        c = NULL;
    }
    o.resource = "Other";
    CHECK_RC(seckit_emrfs_config_parse(&c, two, strlen(two), &o, &err), SECKIT_EFORMAT);
    CHECK(strstr(err.message, "no AWS::EMR::SecurityConfiguration named 'Other'") != NULL);
    /* YAML intrinsic functions are refused, by name */
    static const char yaml[] = "Resources:\n"
                               "  SC:\n"
                               "    Type: AWS::EMR::SecurityConfiguration\n"
                               "    Properties:\n"
                               "      SecurityConfiguration:\n"
                               "        AuthorizationConfiguration:\n"
                               "          EmrFsConfiguration:\n"
                               "            RoleMappings:\n"
                               "              - Role: !GetAtt MyRole.Arn\n"
                               "                IdentifierType: User\n"
                               "                Identifiers: [u]\n";
    o.resource = NULL;
    o.name = "t.yaml";
    CHECK_RC(seckit_emrfs_config_parse(&c, yaml, strlen(yaml), &o, &err), SECKIT_EFORMAT);
    CHECK(strstr(err.message, "intrinsic function") != NULL);
    CHECK(err.position.line == 9);
}

/* Every malformed shape: the message and the position. */
static void test_reader_negative(void)
{
    static const struct {
        const char *text;
        const char *msg;
        unsigned long line, column;
    } cases[] = {
        {"", "", 1, 0},
        {"[1]", "expected an object", 1, 0},
        {"{\"Foo\":1}", "not an EMR security configuration", 1, 0},
        {"{\"AuthorizationConfiguration\":1}", "AuthorizationConfiguration is a number", 1, 30},
        {"{\"AuthorizationConfiguration\":{}}",
         "AuthorizationConfiguration has no EmrFsConfiguration", 1, 30},
        {"{\"AuthorizationConfiguration\":{\"EmrFsConfiguration\":{}}}",
         "EmrFsConfiguration has no RoleMappings", 1, 52},
        {"{\"AuthorizationConfiguration\":{\"EmrFsConfiguration\":{\"RoleMappings\":{}}}}",
         "RoleMappings is an object, expected a list", 1, 68},
        {SC(""), "RoleMappings is empty", 1, 68},
        {"{\"AuthorizationConfiguration\":{\"EmrFsConfiguration\":{\"RoleMappings\":[],\"X\":1}}}",
         "unknown member 'X'", 1, 71},
        {SC("1"), "RoleMappings[0] is a number", 1, 69},
        {SC("{}"), "RoleMappings[0] has no Role", 1, 69},
        {SC("{\"Role\":\"arn:aws:iam::111122223333:role/r\",\"IdentifierType\":\"User\"}"),
         "has no Identifiers", 1, 69},
        {SC("{\"Role\":\"arn:aws:iam::111122223333:role/r\",\"Identifiers\":[\"u\"]}"),
         "has no IdentifierType", 1, 69},
        {SC(MAP("r", "user", "[\"u\"]")), "IdentifierType 'user' is not User, Group or Prefix", 1,
         129},
        {SC(MAP("r", "Role", "[\"u\"]")), "is not User, Group or Prefix", 1, 129},
        {SC(MAP("r", "User", "[]")), "Identifiers is empty", 1, 150},
        {SC(MAP("r", "User", "\"u\"")), "Identifiers is a string, expected a list", 1, 150},
        {SC(MAP("r", "User", "[1]")), "Identifiers[0] is a number", 1, 151},
        {SC(MAP("r", "User", "[\"\"]")), "Identifiers[0] is empty", 1, 151},
        {SC(MAP("r", "User", "[\"a,b\"]")), "has a comma or a space", 1, 151},
        {SC(MAP("r", "Group", "[\"u\",\" g\"]")), "Identifiers[1] ' g' has a comma or a space", 1,
         156},
        {SC(MAP("r", "Prefix", "[\"mybucket/x\"]")), "is not a Prefix: not an S3 location", 1, 153},
        {SC(MAP("r", "Prefix", "[\"s3://\"]")), "no bucket name", 1, 153},
        {SC(MAP("r", "Prefix", "[\"s3://a b/\"]")), "bucket name has a character", 1, 153},
        {SC(MAP("r", "Prefix", "[\"hdfs://x/\"]")), "not an S3 location", 1, 153},
        {SC("{\"Role\":\"r\",\"IdentifierType\":\"User\",\"Identifiers\":[\"u\"]}"),
         "Role 'r' is not an IAM role ARN", 1, 77},
        {SC("{\"Role\":\"arn:aws:iam::111122223333:user/u\",\"IdentifierType\":\"User\",\"Identifiers\":[\"u\"]}"),
         "is not an IAM role ARN", 1, 77},
        {SC("{\"Role\":\"arn:aws:iam::12345:role/r\",\"IdentifierType\":\"User\",\"Identifiers\":[\"u\"]}"),
         "is not an IAM role ARN", 1, 77},
        {SC("{\"Role\":\"arn:aws:iam::111122223333:role/\",\"IdentifierType\":\"User\",\"Identifiers\":[\"u\"]}"),
         "is not an IAM role ARN", 1, 77},
        {SC("{\"Role\":1,\"IdentifierType\":\"User\",\"Identifiers\":[\"u\"]}"),
         "RoleMappings[0].Role is a number, expected a string", 1, 77},
        {SC("{\"Role\":\"arn:aws:iam::111122223333:role/r\",\"IdentifierType\":\"User\",\"Identifiers\":[\"u\"],\"Extra\":true}"),
         "RoleMappings[0]: unknown member 'Extra'", 1, 156},
        {SC("{\"Role\":\"arn:aws:iam::111122223333:role/r\",\"Role\":\"arn:aws:iam::111122223333:role/s\",\"IdentifierType\":\"User\",\"Identifiers\":[\"u\"]}"),
         "'Role' is given twice", 1, 112},
        {"{\"Name\":\"x\",\"SecurityConfiguration\":7}",
         "SecurityConfiguration is a number, expected a JSON string", 1, 36},
        {"{\"Name\":\"x\",\"SecurityConfiguration\":\"{not json\"}",
         "the SecurityConfiguration string is not valid JSON", 1, 36},
        {"{\"Name\":\"x\",\"SecurityConfiguration\":\"{\\\"AuthorizationConfiguration\\\":{\\n\\\"EmrFsConfiguration\\\":{\\\"RoleMappings\\\":[1]}}}\"}",
         "RoleMappings[0] is a number, expected an object (in the SecurityConfiguration string, at its line 2 column 39)",
         1, 114},
        {"{\"Resources\":{\"S\":{\"Type\":\"AWS::S3::Bucket\"}}}",
         "no AWS::EMR::SecurityConfiguration resource", 1, 13},
        {"{\"Resources\":{\"S\":{\"Type\":\"AWS::EMR::SecurityConfiguration\"}}}",
         "S has no Properties", 1, 18},
        {"{\"Resources\":{\"S\":{\"Type\":\"AWS::EMR::SecurityConfiguration\",\"Properties\":{}}}}",
         "S.Properties has no SecurityConfiguration", 1, 73},
        {"{\"Resources\":{\"S\":{\"Type\":\"AWS::EMR::SecurityConfiguration\",\"Properties\":{\"SecurityConfiguration\":{\"Fn::Sub\":\"x\"}}}}}",
         "intrinsic function", 1, 98},
        {"{\"AuthorizationConfiguration\":{\"EmrFsConfiguration\":{\"RoleMappings\":[}}}",
         "invalid JSON", 1, 0},
        {"{\"AuthorizationConfiguration\":", "", 1, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        seckit_emrfs_config *c = (seckit_emrfs_config *)1;
        seckit_error err;
        seckit_error_clear(&err);
        int rc = seckit_emrfs_config_parse(&c, cases[i].text, strlen(cases[i].text), NULL, &err);
        CHECK_MSG(rc < 0, "case %zu parsed", i);
        CHECK_MSG(c == NULL, "case %zu left *out set", i);
        CHECK_MSG(strstr(err.message, cases[i].msg) != NULL, "case %zu: message '%s' lacks '%s'", i,
                  err.message, cases[i].msg);
        if (cases[i].column > 0)
            CHECK_MSG(err.position.line == cases[i].line && err.position.column == cases[i].column,
                      "case %zu: at %lu:%lu, expected %lu:%lu (%s)", i, err.position.line,
                      err.position.column, cases[i].line, cases[i].column, err.message);
    }
    /* every truncation of a valid configuration fails cleanly (or parses) */
    size_t len = 0;
    char *t = load("security-configuration.json", &len);
    while (t != NULL && len > 0 && (t[len - 1] == '\n' || t[len - 1] == ' '))
        len--; /* cutting only trailing white space leaves it valid */
    for (size_t n = 0; t != NULL && n < len; n++) {
        seckit_emrfs_config *c = NULL;
        seckit_error err;
        char *cut = malloc(n + 1);
        memcpy(cut, t, n);
        int rc = seckit_emrfs_config_parse(&c, cut, n, NULL, &err);
        CHECK_MSG(rc < 0 && c == NULL, "truncation to %zu bytes parsed", n);
        free(cut);
        seckit_emrfs_config_free(c);
    }
    free(t);
}

static void test_locations(void)
{
    char out[256], bucket[64];
    const char *key = NULL;
    seckit_error err;
    CHECK_OK(seckit_emrfs_location_parse(out, sizeof(out), bucket, sizeof(bucket), &key,
                                         "s3a://logs/x/y", &err),
             &err);
    CHECK_STR(out, "s3://logs/x/y");
    CHECK_STR(bucket, "logs");
    CHECK_STR(key, "x/y");
    CHECK_OK(seckit_emrfs_location_parse(out, sizeof(out), bucket, sizeof(bucket), &key,
                                         "S3N://logs", &err),
             &err);
    CHECK_STR(out, "s3://logs/");
    CHECK_STR(key, "");
    CHECK_RC(seckit_emrfs_location_parse(out, sizeof(out), NULL, 0, NULL, "s3://", &err),
             SECKIT_EINVAL);
    CHECK_RC(seckit_emrfs_location_parse(out, sizeof(out), NULL, 0, NULL, "/tmp/x", &err),
             SECKIT_EINVAL);
    CHECK_RC(seckit_emrfs_location_parse(out, sizeof(out), NULL, 0, NULL, "s3://b\x01/", &err),
             SECKIT_EINVAL);
    CHECK_RC(seckit_emrfs_location_parse(out, sizeof(out), NULL, 0, NULL, "s3://b/k\x01", &err),
             SECKIT_EINVAL);
    CHECK_RC(seckit_emrfs_location_parse(out, 12, NULL, 0, NULL, "s3://bucket/long-key", &err),
             SECKIT_ELIMIT);
}

static void test_groups_file(void)
{
    size_t len = 0;
    char *t = load("groups.txt", &len);
    seckit_emrfs_groups *g = NULL;
    seckit_error err;
    CHECK(t != NULL);
    if (t == NULL)
        return;
    CHECK_OK(seckit_emrfs_groups_parse(&g, t, len, &err), &err);
    free(t);
    if (g == NULL)
        return;
    const char *const *gl = NULL;
    CHECK(seckit_emrfs_groups_of(g, &gl, "admin1") == 0);
    CHECK(seckit_emrfs_groups_of(g, &gl, "dataeng1") == 1);
    CHECK_STR(gl[0], "grp_data_engineering");
    CHECK(seckit_emrfs_groups_of(g, &gl, "datascientist1") == 1);
    CHECK_STR(gl[0], "grp_data_science");
    CHECK(seckit_emrfs_groups_of(g, &gl, "nobody") == 0);
    CHECK(seckit_emrfs_groups_has_user(g, "admin1"));
    CHECK(seckit_emrfs_groups_has_user(g, "datascientist1"));
    CHECK(!seckit_emrfs_groups_has_user(g, "nobody"));
    CHECK(seckit_emrfs_groups_has_group(g, "grp_data_science"));
    CHECK(seckit_emrfs_groups_has_group(g, "users"));
    CHECK(!seckit_emrfs_groups_has_group(g, "admins"));
    seckit_emrfs_groups_free(g);

    /* both kinds together, repeats folded, order kept */
    static const char mixed[] = "u: a b a\r\nb:x:10:u, v\n\n  # comment\nc:x:11:\nd:*:12:u\n";
    CHECK_OK(seckit_emrfs_groups_parse(&g, mixed, strlen(mixed), &err), &err);
    if (g != NULL) {
        CHECK(seckit_emrfs_groups_of(g, &gl, "u") == 3);
        CHECK_STR(gl[0], "a");
        CHECK_STR(gl[1], "b");
        CHECK_STR(gl[2], "d");
        CHECK(seckit_emrfs_groups_of(g, &gl, "v") == 1);
        CHECK(seckit_emrfs_groups_has_group(g, "c"));
        seckit_emrfs_groups_free(g);
    }
    /* a directory-sized file: every lookup through the index */
    size_t cap = 4000 * 40, blen = 0;
    char *big = malloc(cap);
    for (int i = 0; big != NULL && i < 4000; i++)
        blen +=
            (size_t)snprintf(big + blen, cap - blen, "g%d:x:%d:u%d,u%d\n", i, i, i, (i + 1) % 4000);
    g = NULL;
    if (big != NULL)
        CHECK_OK(seckit_emrfs_groups_parse(&g, big, blen, &err), &err);
    free(big);
    if (g != NULL) {
        CHECK(seckit_emrfs_groups_of(g, &gl, "u17") == 2);
        CHECK_STR(gl[0], "g16");
        CHECK_STR(gl[1], "g17");
        CHECK(seckit_emrfs_groups_of(g, &gl, "u0") == 2);
        CHECK_STR(gl[0], "g0");
        CHECK_STR(gl[1], "g3999");
        CHECK(seckit_emrfs_groups_has_group(g, "g3999"));
        CHECK(!seckit_emrfs_groups_has_group(g, "g4000"));
        CHECK(!seckit_emrfs_groups_has_group(g, "g"));
        CHECK(seckit_emrfs_groups_has_user(g, "u3999"));
        CHECK(!seckit_emrfs_groups_has_user(g, "u39999"));
        seckit_emrfs_groups_free(g);
    }
    static const struct {
        const char *text;
        unsigned long line;
    } bad[] = {
        {"no colon here\n", 1},
        {"ok: g\na:b:c:d:e\n", 2},
        {"ok: g\n\na:b:c\n", 3},
        {"g:x:abc:u\n", 1},
        {": g\n", 1},
        {"g:x:1:u,,v\n", 1},
        {"g:x:1:u v\n", 1},
        {"a b: g\n", 1},
        {"u: g\0h\n", 1},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        size_t n = i == 8 ? 7 : strlen(bad[i].text);
        g = (seckit_emrfs_groups *)1;
        CHECK_RC(seckit_emrfs_groups_parse(&g, bad[i].text, n, &err), SECKIT_EFORMAT);
        CHECK(g == NULL);
        CHECK_MSG(err.position.line == bad[i].line, "case %zu at line %lu", i, err.position.line);
        CHECK(strstr(err.message, "expected 'user: group1 group2'") != NULL);
    }
}

static void test_resolve_seed(void)
{
    seckit_emrfs_config *c = parse_file("security-configuration.json");
    CHECK(c != NULL);
    if (c == NULL)
        return;
    static const char *const eng[] = {"grp_data_engineering"};
    static const char *const sci[] = {"grp_data_science"};
    static const char *const both[] = {"grp_data_science", "grp_data_engineering"};
    static const struct {
        const char *user;
        const char *const *groups;
        size_t ngroups;
        const char *uri;
        long mapping;
        const char *role;
    } cases[] = {
        /* admin1: the first mapping, whatever the location */
        {"admin1", NULL, 0, "s3://emrfs-auth-data-science-bucket-demo/", 0,
         ROLE("emrfs_auth_user_role_admin_user")},
        {"admin1", NULL, 0, "s3://emrfs-auth-default-bucket-demo/x", 0,
         ROLE("emrfs_auth_user_role_admin_user")},
        /* dataeng1 (grp_data_engineering): the group role, on any bucket */
        {"dataeng1", eng, 1, "s3://emrfs-auth-data-engineering-bucket-demo/table1_data_eng/", 1,
         ROLE("emrfs_auth_group_role_data_eng")},
        {"dataeng1", eng, 1, "s3://emrfs-auth-data-science-bucket-demo/", 1,
         ROLE("emrfs_auth_group_role_data_eng")},
        {"datascientist1", sci, 1, "s3://emrfs-auth-data-science-bucket-demo/t", 2,
         ROLE("emrfs_auth_group_role_data_sci")},
        /* the earlier group mapping wins for a user in both groups */
        {"both", both, 2, "s3://x/", 1, ROLE("emrfs_auth_group_role_data_eng")},
        /* a third user: the prefix mapping, with any scheme, bare bucket too */
        {"analyst1", NULL, 0, "s3://emrfs-auth-default-bucket-demo/", 3,
         ROLE("emrfs_auth_prefix_role_default_s3_prefix")},
        {"analyst1", NULL, 0, "s3a://emrfs-auth-default-bucket-demo/a/b", 3,
         ROLE("emrfs_auth_prefix_role_default_s3_prefix")},
        {"analyst1", NULL, 0, "s3n://emrfs-auth-default-bucket-demo", 3,
         ROLE("emrfs_auth_prefix_role_default_s3_prefix")},
        /* ... and the restricted instance role anywhere else */
        {"analyst1", NULL, 0, "s3://emrfs-auth-default-bucket-demo-2/", -1, INSTANCE},
        {"analyst1", NULL, 0, "s3://emrfs-auth-data-science-bucket-demo/", -1, INSTANCE},
        {NULL, NULL, 0, "s3://emrfs-auth-data-science-bucket-demo/", -1, INSTANCE},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        seckit_emrfs_identity who = {cases[i].user, cases[i].groups, cases[i].ngroups};
        seckit_emrfs_resolution r;
        seckit_error err;
        CHECK_OK(seckit_emrfs_resolve(c, &r, INSTANCE, &who, cases[i].uri, &err), &err);
        CHECK_MSG(r.mapping == cases[i].mapping, "case %zu: mapping %ld (%s)", i, r.mapping,
                  r.reason);
        CHECK_STR(r.role, cases[i].role);
        CHECK(r.reason[0] != '\0');
        CHECK((r.identifier == NULL) == (r.mapping < 0));
    }
    seckit_emrfs_identity who = {"admin1", NULL, 0};
    seckit_emrfs_resolution r;
    seckit_error err;
    CHECK_RC(seckit_emrfs_resolve(c, &r, "arn:aws:iam::1:role/x", &who, "s3://b/", &err),
             SECKIT_EINVAL);
    CHECK_RC(seckit_emrfs_resolve(c, &r, INSTANCE, &who, "hdfs:///user", &err), SECKIT_EINVAL);
    CHECK_OK(seckit_emrfs_resolve(c, &r, INSTANCE, &who, "s3://b/", &err), &err);
    CHECK(strstr(r.reason, "RoleMappings[0] maps user admin1") != NULL);
    seckit_emrfs_config_free(c);
}

/* A string prefix: s3://logs matches s3://logs-archive/. */
static void test_resolve_prefix_is_a_string_prefix(void)
{
    seckit_emrfs_config *c = parse_file("prefix-overlap.json");
    CHECK(c != NULL);
    if (c == NULL)
        return;
    seckit_emrfs_identity who = {"u", NULL, 0};
    seckit_emrfs_resolution r;
    seckit_error err;
    CHECK_OK(seckit_emrfs_resolve(c, &r, INSTANCE, &who, "s3://logs-archive/2026/", &err), &err);
    CHECK(r.mapping == 0);
    CHECK_OK(seckit_emrfs_resolve(c, &r, INSTANCE, &who, "s3://reports/database/x", &err), &err);
    CHECK(r.mapping == 1);
    CHECK_OK(seckit_emrfs_resolve(c, &r, INSTANCE, &who, "s3://curated", &err), &err);
    CHECK(r.mapping == 2);
    CHECK_OK(seckit_emrfs_resolve(c, &r, INSTANCE, &who, "s3://curated-x/", &err), &err);
    CHECK(r.mapping == -1);
    seckit_emrfs_config_free(c);
}

static seckit_emrfs_roles *roles_from(const char *file)
{
    size_t len = 0;
    char *t = load(file, &len);
    seckit_emrfs_roles *r = NULL;
    seckit_error err;
    if (t == NULL || seckit_emrfs_roles_new(&r, &err) != 0) {
        free(t);
        return NULL;
    }
    size_t missing = 99;
    if (seckit_emrfs_roles_add_authorization_details(r, &missing, t, len, &err) != 0) {
        printf("# %s: %s\n", file, err.message);
        seckit_emrfs_roles_free(r);
        r = NULL;
    }
    free(t);
    return r;
}

static void test_roles(void)
{
    seckit_emrfs_roles *r = roles_from("authorization-details.json");
    CHECK(r != NULL);
    if (r == NULL)
        return;
    CHECK(seckit_emrfs_roles_has(r, INSTANCE));
    CHECK(seckit_emrfs_roles_has(r, ROLE("emrfs_auth_group_role_data_sci")));
    CHECK(seckit_emrfs_roles_has(r, "arn:aws:iam::" ACCT
                                    ":role/some/path/emrfs_auth_group_role_data_sci"));
    CHECK(!seckit_emrfs_roles_has(r, ROLE("nope")));
    CHECK(!seckit_emrfs_roles_has(r,
                                  "arn:aws:iam::111122223333:role/emrfs_auth_group_role_data_sci"));
    seckit_error err;
    /* a second trust policy for a role is refused */
    static const char trust[] = "{\"Version\":\"2012-10-17\",\"Statement\":[]}";
    CHECK_RC(seckit_emrfs_roles_add_document(r, INSTANCE, SECKIT_EMRFS_TRUST, trust, strlen(trust),
                                             "t.json", &err),
             SECKIT_EINVAL);
    CHECK_RC(seckit_emrfs_roles_add_document(r, "not-an-arn", SECKIT_EMRFS_TRUST, trust,
                                             strlen(trust), "t.json", &err),
             SECKIT_EINVAL);
    CHECK_RC(seckit_emrfs_roles_add_document(r, ROLE("x"), SECKIT_EMRFS_PERMISSIONS, "{bad", 4,
                                             "bad.json", &err),
             SECKIT_EFORMAT);
    CHECK(strstr(err.message, "bad.json") != NULL);
    /* get-role output (a trust policy) given as a permission policy, and
     * get-role-policy output given as the trust policy */
    static const char get_role[] = "{\"Role\":{\"RoleName\":\"x\",\"AssumeRolePolicyDocument\":"
                                   "{\"Version\":\"2012-10-17\",\"Statement\":[]}}}";
    static const char get_role_policy[] =
        "{\"RoleName\":\"x\",\"PolicyName\":\"p\",\"PolicyDocument\":"
        "{\"Version\":\"2012-10-17\",\"Statement\":[]}}";
    CHECK_RC(seckit_emrfs_roles_add_document(r, ROLE("y"), SECKIT_EMRFS_PERMISSIONS, get_role,
                                             strlen(get_role), "perm.json", &err),
             SECKIT_EFORMAT);
    CHECK(strstr(err.message,
                 "perm.json: holds a role's trust policy, expected a permission policy") != NULL);
    CHECK_RC(seckit_emrfs_roles_add_document(r, ROLE("y"), SECKIT_EMRFS_TRUST, get_role_policy,
                                             strlen(get_role_policy), "trust.json", &err),
             SECKIT_EFORMAT);
    CHECK_OK(seckit_emrfs_roles_add_document(r, ROLE("y"), SECKIT_EMRFS_TRUST, get_role,
                                             strlen(get_role), "trust.json", &err),
             &err);
    CHECK_OK(seckit_emrfs_roles_add_document(r, ROLE("y"), SECKIT_EMRFS_PERMISSIONS,
                                             get_role_policy, strlen(get_role_policy), "p.json",
                                             &err),
             &err);
    CHECK_OK(seckit_emrfs_roles_add_document(r, ROLE("x"), SECKIT_EMRFS_BOUNDARY, trust,
                                             strlen(trust), "b.json", &err),
             &err);
    seckit_emrfs_roles_free(r);

    /* malformed dumps */
    static const struct {
        const char *text;
        const char *msg;
    } bad[] = {
        {"{}", "no RoleDetailList"},
        {"{\"RoleDetailList\":[{}]}", "without an Arn"},
        {"{\"RoleDetailList\":[{\"Arn\":\"arn:aws:iam::1:role/x\"}]}", "not an IAM role ARN"},
        {"{\"RoleDetailList\":[{\"Arn\":\"arn:aws:iam::111122223333:role/x\",\"RolePolicyList\":{}}]}",
         "RolePolicyList is not a list"},
        {"{\"RoleDetailList\":[{\"Arn\":\"arn:aws:iam::111122223333:role/x\",\"RolePolicyList\":[{}]}]}",
         "inline policy without PolicyDocument"},
        {"{\"RoleDetailList\":[{\"Arn\":\"arn:aws:iam::111122223333:role/x\",\"AssumeRolePolicyDocument\":7}]}",
         "neither an object nor a string"},
        {"{\"RoleDetailList\":[{\"Arn\":\"arn:aws:iam::111122223333:role/x\",\"PermissionsBoundary\":"
         "{\"PermissionsBoundaryArn\":\"arn:aws:iam::111122223333:policy/pb\"}}]}",
         "permissions boundary's policy is not in the file"},
        {"{\"RoleDetailList\":[], \"Policies\":{}}", "Policies is not a list"},
        {"{\"RoleDetailList\":[", "invalid JSON"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        CHECK_OK(seckit_emrfs_roles_new(&r, &err), &err);
        int rc = seckit_emrfs_roles_add_authorization_details(r, NULL, bad[i].text,
                                                              strlen(bad[i].text), &err);
        CHECK_MSG(rc < 0, "case %zu accepted", i);
        CHECK_MSG(strstr(err.message, bad[i].msg) != NULL, "case %zu: '%s'", i, err.message);
        seckit_emrfs_roles_free(r);
    }
    /* URL-encoded documents (the raw API's shape) and a missing AWS managed policy */
    static const char enc[] =
        "{\"RoleDetailList\":[{\"Arn\":\"arn:aws:iam::111122223333:role/x\","
        "\"AssumeRolePolicyDocument\":\"%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D\","
        "\"AttachedManagedPolicies\":[{\"PolicyArn\":\"arn:aws:iam::aws:policy/ReadOnlyAccess\"}]}]}";
    CHECK_OK(seckit_emrfs_roles_new(&r, &err), &err);
    size_t missing = 0;
    CHECK_OK(seckit_emrfs_roles_add_authorization_details(r, &missing, enc, strlen(enc), &err),
             &err);
    CHECK(missing == 1);
    CHECK(seckit_emrfs_roles_has(r, "arn:aws:iam::111122223333:role/x"));
    seckit_emrfs_roles_free(r);
}

/* ---- checks ---- */

static seckit_emrfs_findings *run_check(const char *config, const char *auth, const char *instance,
                                        seckit_emrfs_known_fn known)
{
    seckit_emrfs_config *c = parse_file(config);
    seckit_emrfs_roles *r = roles_from(auth);
    seckit_emrfs_findings *f = NULL;
    seckit_error err;
    seckit_error_clear(&err);
    if (c != NULL && r != NULL) {
        seckit_emrfs_check_options o = {
            SECKIT_EMRFS_CHECK_OPTIONS_VERSION, instance, r, NULL, known, NULL};
        if (seckit_emrfs_check(c, &f, &o, &err) != 0)
            printf("# check %s: %s\n", config, err.message);
    }
    seckit_emrfs_roles_free(r);
    seckit_emrfs_config_free(c);
    return f;
}

static size_t count_code(const seckit_emrfs_findings *f, const char *code, const char *path)
{
    size_t n = 0;
    for (size_t i = 0; f != NULL && i < f->count; i++)
        if (strcmp(f->items[i].issue_code, code) == 0 &&
            (path == NULL || strcmp(f->items[i].path, path) == 0))
            n++;
    return n;
}

static void dump(const seckit_emrfs_findings *f)
{
    for (size_t i = 0; f != NULL && i < f->count; i++)
        printf("#   %s %s: %s\n", f->items[i].issue_code, f->items[i].path, f->items[i].message);
}

static void test_check_seed_is_clean(void)
{
    seckit_emrfs_findings *f =
        run_check("security-configuration.json", "authorization-details.json", INSTANCE, NULL);
    CHECK(f != NULL);
    CHECK_MSG(f != NULL && f->count == 0, "%zu findings", f ? f->count : 0);
    if (f != NULL && f->count != 0)
        dump(f);
    seckit_emrfs_findings_free(f);
}

static int known_users(void *ctx, int is_group, const char *name)
{
    (void)ctx;
    if (is_group)
        return strcmp(name, "analysts") == 0 ? 1 : strcmp(name, "engineers") == 0 ? -1 : 0;
    return strcmp(name, "alice") == 0;
}

static void test_check_shadowed(void)
{
    seckit_emrfs_findings *f = run_check("shadowed.json", "broken-authorization-details.json",
                                         "arn:aws:iam::111122223333:role/EMR_EC2_DefaultRole",
                                         known_users);
    CHECK(f != NULL);
    CHECK(count_code(f, "EMRFS_IDENTIFIER_SHADOWED", "RoleMappings[2].Identifiers[0]") == 1);
    CHECK(count_code(f, "EMRFS_IDENTIFIER_SHADOWED", "RoleMappings[2].Identifiers[1]") == 0);
    CHECK(count_code(f, "EMRFS_MAPPING_SHADOWED", "RoleMappings[4]") == 1);
    CHECK(count_code(f, "EMRFS_MAPPING_SHADOWED", "RoleMappings[5]") == 1);
    CHECK(count_code(f, "EMRFS_MAPPING_SHADOWED", NULL) == 2);
    CHECK(count_code(f, "EMRFS_UNKNOWN_USER", "RoleMappings[2].Identifiers[1]") == 1); /* bob */
    CHECK(count_code(f, "EMRFS_UNKNOWN_USER", NULL) == 1);
    CHECK(count_code(f, "EMRFS_UNKNOWN_GROUP", NULL) == 0);
    CHECK(count_code(f, "EMRFS_ROLE_NOT_FOUND", NULL) == 6);
    for (size_t i = 0; f != NULL && i < f->count; i++) {
        CHECK(f->items[i].message[0] != '\0');
        CHECK(f->items[i].learn_more != NULL);
        if (strcmp(f->items[i].issue_code, "EMRFS_MAPPING_SHADOWED") == 0 &&
            strcmp(f->items[i].path, "RoleMappings[4]") == 0) {
            CHECK(strstr(f->items[i].message, "RoleMappings[3]") != NULL);
            CHECK(f->items[i].span.start.line > 0);
        }
    }
    seckit_emrfs_findings_free(f);
}

/* Shadowing is found for every identifier, however many a mapping has. */
static void test_check_shadowed_many_identifiers(void)
{
    char text[8192];
    size_t n = (size_t)
        snprintf(text, sizeof(text),
                 "{\"AuthorizationConfiguration\":{\"EmrFsConfiguration\":{\"RoleMappings\":["
                 "{\"Role\":\"arn:aws:iam::111122223333:role/a\",\"IdentifierType\":\"User\","
                 "\"Identifiers\":[\"u99\"]},"
                 "{\"Role\":\"arn:aws:iam::111122223333:role/b\",\"IdentifierType\":\"User\","
                 "\"Identifiers\":[");
    for (int i = 0; i < 100; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n, "%s\"u%d\"", i ? "," : "", i);
    n += (size_t)snprintf(text + n, sizeof(text) - n, "]}]}}}");
    seckit_emrfs_config *c = NULL;
    seckit_emrfs_roles *r = NULL;
    seckit_emrfs_findings *f = NULL;
    seckit_error err;
    CHECK_OK(seckit_emrfs_config_parse(&c, text, n, NULL, &err), &err);
    CHECK_OK(seckit_emrfs_roles_new(&r, &err), &err);
    if (c != NULL && r != NULL) {
        seckit_emrfs_check_options o = {SECKIT_EMRFS_CHECK_OPTIONS_VERSION,
                                        "arn:aws:iam::111122223333:role/inst",
                                        r,
                                        NULL,
                                        NULL,
                                        NULL};
        CHECK_OK(seckit_emrfs_check(c, &f, &o, &err), &err);
        CHECK(count_code(f, "EMRFS_IDENTIFIER_SHADOWED", "RoleMappings[1].Identifiers[99]") == 1);
        CHECK(count_code(f, "EMRFS_IDENTIFIER_SHADOWED", NULL) == 1);
        CHECK(count_code(f, "EMRFS_MAPPING_SHADOWED", NULL) == 0);
    }
    seckit_emrfs_findings_free(f);
    seckit_emrfs_roles_free(r);
    seckit_emrfs_config_free(c);
}

static void test_check_prefix_overlap(void)
{
    seckit_emrfs_findings *f = run_check("prefix-overlap.json", "broken-authorization-details.json",
                                         "arn:aws:iam::111122223333:role/EMR_EC2_DefaultRole",
                                         NULL);
    CHECK(f != NULL);
    CHECK(count_code(f, "EMRFS_PREFIX_MATCHES_OTHER_BUCKETS", "RoleMappings[0].Identifiers[0]") ==
          1);
    CHECK(count_code(f, "EMRFS_PREFIX_MATCHES_OTHER_BUCKETS", NULL) == 1);
    CHECK(count_code(f, "EMRFS_PREFIX_PARTIAL_KEY", "RoleMappings[1].Identifiers[0]") == 1);
    CHECK(count_code(f, "EMRFS_PREFIX_PARTIAL_KEY", NULL) == 1);
    seckit_emrfs_findings_free(f);
}

static void test_check_broken(void)
{
    const char *inst = "arn:aws:iam::111122223333:role/EMR_EC2_DefaultRole";
    seckit_emrfs_findings *f = run_check("broken-security-configuration.json",
                                         "broken-authorization-details.json", inst, NULL);
    CHECK(f != NULL);
    if (f == NULL)
        return;
    /* role_eng trusts only ec2.amazonaws.com */
    CHECK(count_code(f, "EMRFS_TRUST_DENIES_INSTANCE_ROLE", "RoleMappings[0]") == 1);
    /* role_nothing grants no S3 */
    CHECK(count_code(f, "EMRFS_ROLE_GRANTS_NO_S3_ACCESS", "RoleMappings[1]") == 1);
    CHECK(count_code(f, "EMRFS_ROLE_GRANTS_NO_S3_ACCESS", NULL) == 1);
    /* the instance role itself, mapped */
    CHECK(count_code(f, "EMRFS_MAPPING_TO_INSTANCE_ROLE", "RoleMappings[2]") == 1);
    /* trust names the account: the instance role's own sts:AssumeRole makes it work */
    CHECK(count_code(f, "EMRFS_TRUST_DENIES_INSTANCE_ROLE", "RoleMappings[3]") == 0);
    CHECK(count_code(f, "EMRFS_CANNOT_ASSUME_ROLE", "RoleMappings[3]") == 0);
    CHECK(count_code(f, "EMRFS_ROLE_NOT_FOUND", "RoleMappings[4]") == 1);
    /* an explicit deny in the trust policy */
    CHECK(count_code(f, "EMRFS_TRUST_DENIES_INSTANCE_ROLE", "RoleMappings[5]") == 1);
    CHECK(count_code(f, "EMRFS_TRUST_DENIES_INSTANCE_ROLE", NULL) == 2);
    /* the fallback allows s3:* */
    CHECK(count_code(f, "EMRFS_INSTANCE_ROLE_S3_ACCESS", "") == 1);
    for (size_t i = 0; i < f->count; i++)
        if (strcmp(f->items[i].issue_code, "EMRFS_TRUST_DENIES_INSTANCE_ROLE") == 0 &&
            strcmp(f->items[i].path, "RoleMappings[5]") == 0)
            CHECK(strstr(f->items[i].message, "ExplicitDeny") != NULL);
    seckit_emrfs_findings_free(f);

    /* an instance role not in the documents */
    f = run_check("security-configuration.json", "broken-authorization-details.json", INSTANCE,
                  NULL);
    CHECK(count_code(f, "EMRFS_INSTANCE_ROLE_NOT_FOUND", "") == 1);
    CHECK(count_code(f, "EMRFS_ROLE_NOT_FOUND", NULL) == 4);
    seckit_emrfs_findings_free(f);

    /* the instance role's policies lack sts:AssumeRole: trust naming the
     * role still works (same account), with a warning; an explicit Deny of
     * sts:AssumeRole in them stops it */
    seckit_emrfs_config *c = parse_file("security-configuration.json");
    size_t len = 0;
    char *t = load("authorization-details.json", &len);
    static const char *const edits[][2] = {
        {"\"Action\": \"sts:AssumeRole\",\n                \"Resource\": \"arn:aws:iam::511586466501:role/emrfs_auth_*\"",
         "\"Action\": \"sts:TagSession\",\n                \"Resource\": \"arn:aws:iam::511586466501:role/emrfs_auth_*\""},
        {"\"Sid\": \"AssumeEmrfsRoles\",\n                \"Effect\": \"Allow\"",
         "\"Sid\": \"AssumeEmrfsRoles\",\n                \"Effect\": \"Deny\" "},
    };
    for (size_t e = 0; c != NULL && t != NULL && e < 2; e++) {
        char *at = strstr(t, edits[e][0]);
        CHECK_MSG(at != NULL, "edit %zu not found", e);
        if (at == NULL)
            continue;
        char *copy = malloc(len + 1);
        memcpy(copy, t, len + 1);
        CHECK(strlen(edits[e][0]) == strlen(edits[e][1]));
        memcpy(copy + (at - t), edits[e][1], strlen(edits[e][1]));
        seckit_emrfs_roles *r2 = NULL;
        seckit_error err;
        CHECK_OK(seckit_emrfs_roles_new(&r2, &err), &err);
        CHECK_OK(seckit_emrfs_roles_add_authorization_details(r2, NULL, copy, len, &err), &err);
        free(copy);
        seckit_emrfs_check_options o = {
            SECKIT_EMRFS_CHECK_OPTIONS_VERSION, INSTANCE, r2, NULL, NULL, NULL};
        f = NULL;
        CHECK_OK(seckit_emrfs_check(c, &f, &o, &err), &err);
        if (e == 0) {
            CHECK(count_code(f, "EMRFS_ASSUME_ROLE_NOT_IN_INSTANCE_POLICY", NULL) == 4);
            CHECK(count_code(f, "EMRFS_CANNOT_ASSUME_ROLE", NULL) == 0);
        } else {
            CHECK(count_code(f, "EMRFS_CANNOT_ASSUME_ROLE", NULL) == 4);
            CHECK(count_code(f, "EMRFS_ASSUME_ROLE_NOT_IN_INSTANCE_POLICY", NULL) == 0);
        }
        CHECK(count_code(f, "EMRFS_TRUST_DENIES_INSTANCE_ROLE", NULL) == 0);
        if (f != NULL && f->count != 4)
            dump(f);
        CHECK(f != NULL && f->count == 4);
        seckit_emrfs_findings_free(f);
        if (e == 1) {
            o.instance_role = "bad";
            f = (seckit_emrfs_findings *)1;
            CHECK_RC(seckit_emrfs_check(c, &f, &o, &err), SECKIT_EINVAL);
            CHECK(f == NULL);
        }
        seckit_emrfs_roles_free(r2);
    }
    free(t);
    seckit_emrfs_config_free(c);

    const seckit_policy_check_info *tab = NULL;
    size_t n = seckit_emrfs_checks(&tab);
    CHECK(n >= 14);
    for (size_t i = 0; i < n; i++)
        CHECK(strncmp(tab[i].issue_code, "EMRFS_", 6) == 0 && tab[i].summary[0] != '\0');
}

/* ---- can-access: the post's answers ---- */

static void test_can_access_seed(void)
{
    seckit_emrfs_config *c = parse_file("security-configuration.json");
    seckit_emrfs_roles *r = roles_from("authorization-details.json");
    CHECK(c != NULL && r != NULL);
    if (c == NULL || r == NULL) {
        seckit_emrfs_config_free(c);
        seckit_emrfs_roles_free(r);
        return;
    }
    static const char *const eng[] = {"grp_data_engineering"};
    static const char *const sci[] = {"grp_data_science"};
    static const struct {
        const char *user;
        const char *const *groups;
        size_t ngroups;
        const char *action, *uri;
        seckit_emrfs_decision want;
        const char *resource;
    } cases[] = {
        /* admin1 lists the data science bucket: allowed (s3:* on *) */
        {"admin1", NULL, 0, "s3:ListBucket", "s3://emrfs-auth-data-science-bucket-demo/",
         SECKIT_EMRFS_ALLOWED, "arn:aws:s3:::emrfs-auth-data-science-bucket-demo"},
        /* dataeng1 on the same bucket: Access Denied */
        {"dataeng1", eng, 1, "s3:ListBucket", "s3://emrfs-auth-data-science-bucket-demo/",
         SECKIT_EMRFS_IMPLICIT_DENY, "arn:aws:s3:::emrfs-auth-data-science-bucket-demo"},
        /* dataeng1 lists its own bucket and creates a table in it */
        {"dataeng1", eng, 1, "s3:ListBucket", "s3://emrfs-auth-data-engineering-bucket-demo/",
         SECKIT_EMRFS_ALLOWED, "arn:aws:s3:::emrfs-auth-data-engineering-bucket-demo"},
        {"dataeng1", eng, 1, "s3:PutObject",
         "s3://emrfs-auth-data-engineering-bucket-demo/table1_data_eng/part-0",
         SECKIT_EMRFS_ALLOWED,
         "arn:aws:s3:::emrfs-auth-data-engineering-bucket-demo/table1_data_eng/part-0"},
        /* ... but not in the data science bucket */
        {"dataeng1", eng, 1, "s3:PutObject", "s3://emrfs-auth-data-science-bucket-demo/t/part-0",
         SECKIT_EMRFS_IMPLICIT_DENY, "arn:aws:s3:::emrfs-auth-data-science-bucket-demo/t/part-0"},
        /* datascientist1: own table yes, the data engineers' table no */
        {"datascientist1", sci, 1, "s3:PutObject",
         "s3://emrfs-auth-data-science-bucket-demo/test2_datasci_tb/part-0", SECKIT_EMRFS_ALLOWED,
         NULL},
        {"datascientist1", sci, 1, "s3:GetObject",
         "s3://emrfs-auth-data-engineering-bucket-demo/table1_data_eng/part-0",
         SECKIT_EMRFS_IMPLICIT_DENY, NULL},
        /* a third user: the prefix role on the default bucket, the
         * restricted role (no S3) elsewhere */
        {"analyst1", NULL, 0, "s3:GetObject", "s3://emrfs-auth-default-bucket-demo/x",
         SECKIT_EMRFS_ALLOWED, NULL},
        {"analyst1", NULL, 0, "s3:ListBucket", "s3a://emrfs-auth-default-bucket-demo",
         SECKIT_EMRFS_ALLOWED, NULL},
        {"analyst1", NULL, 0, "s3:GetObject", "s3://emrfs-auth-data-science-bucket-demo/x",
         SECKIT_EMRFS_IMPLICIT_DENY, NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        seckit_emrfs_identity who = {cases[i].user, cases[i].groups, cases[i].ngroups};
        seckit_emrfs_access a;
        seckit_error err;
        seckit_error_clear(&err);
        int rc = seckit_emrfs_can_access(c, &a, r, NULL, INSTANCE, &who, cases[i].action,
                                         cases[i].uri, &err);
        CHECK_MSG(rc == 0, "case %zu: %s", i, err.message);
        CHECK_MSG(a.decision == cases[i].want, "case %zu: %s (%s; %s)", i,
                  seckit_emrfs_decision_name(a.decision), a.resolution.reason, a.detail);
        if (cases[i].resource != NULL)
            CHECK_STR(a.resource, cases[i].resource);
    }
    seckit_emrfs_identity who = {"admin1", NULL, 0};
    seckit_emrfs_access a;
    seckit_error err;
    /* without service data: bucket actions by name */
    CHECK_OK(seckit_emrfs_can_access(c, &a, r, NULL, INSTANCE, &who, "s3:GetBucketPolicy",
                                     "s3://b/k/x", &err),
             &err);
    CHECK_STR(a.resource, "arn:aws:s3:::b");
    CHECK_OK(seckit_emrfs_can_access(c, &a, r, NULL, INSTANCE, &who, "s3:ListMultipartUploads",
                                     "s3://b/k/x", &err),
             &err);
    CHECK_STR(a.resource, "arn:aws:s3:::b");
    CHECK_OK(seckit_emrfs_can_access(c, &a, r, NULL, INSTANCE, &who, "s3:DeleteObject", "s3n://b",
                                     &err),
             &err);
    CHECK_STR(a.resource, "arn:aws:s3:::b/");
    CHECK(a.decision == SECKIT_EMRFS_ALLOWED);
    CHECK(a.detail[0] != '\0');
    CHECK_RC(seckit_emrfs_can_access(c, &a, r, NULL, INSTANCE, &who, "GetObject", "s3://b/k", &err),
             SECKIT_EINVAL);
    CHECK_RC(seckit_emrfs_can_access(c, &a, r, NULL, INSTANCE, &who, "s3:Get*", "s3://b/k", &err),
             SECKIT_EINVAL);
    CHECK_RC(seckit_emrfs_can_access(c, &a, r, NULL, INSTANCE, &who, "ec2:RunInstances", "s3://b/k",
                                     &err),
             SECKIT_EINVAL);
    /* a role that is not in the documents */
    seckit_emrfs_roles *empty = NULL;
    CHECK_OK(seckit_emrfs_roles_new(&empty, &err), &err);
    CHECK_RC(seckit_emrfs_can_access(c, &a, empty, NULL, INSTANCE, &who, "s3:GetObject", "s3://b/k",
                                     &err),
             SECKIT_ENOTFOUND);
    seckit_emrfs_roles_free(empty);
    seckit_emrfs_roles_free(r);
    seckit_emrfs_config_free(c);
}

int main(void)
{
    TEST(test_shapes);
    TEST(test_cfn_variants);
    TEST(test_reader_negative);
    TEST(test_locations);
    TEST(test_groups_file);
    TEST(test_resolve_seed);
    TEST(test_resolve_prefix_is_a_string_prefix);
    TEST(test_roles);
    TEST(test_check_seed_is_clean);
    TEST(test_check_shadowed);
    TEST(test_check_shadowed_many_identifiers);
    TEST(test_check_prefix_overlap);
    TEST(test_check_broken);
    TEST(test_can_access_seed);
    TEST_EXIT();
}

/* libFuzzer target: the EMR security-configuration reader (all three
 * shapes, JSON and YAML), resolution of a few requests against what it read,
 * the users-and-groups file reader and the authorization-details role reader
 * on the same bytes.
 * Properties: no crash, no leak; a configuration that parses has at least
 * one mapping, each with at least one identifier; resolution of a parsed
 * configuration never fails for a valid request and always names a role. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "seckit/emrfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void resolve_some(const seckit_emrfs_config *c)
{
    static const char *const users[] = {"admin1", "dataeng1", "nobody"};
    static const char *const groups[] = {"grp_data_engineering", "grp_data_science"};
    static const char *const uris[] = {"s3://emrfs-auth-default-bucket-demo/x",
                                       "s3a://logs-archive/2026/", "s3n://b"};
    const char *inst = "arn:aws:iam::123456789012:role/EMR_EC2_RestrictedRole";
    for (size_t u = 0; u < 3; u++)
        for (size_t k = 0; k < 3; k++) {
            seckit_emrfs_identity who = {users[u], groups, u == 2 ? 0 : 2};
            seckit_emrfs_resolution r;
            seckit_error err;
            if (seckit_emrfs_resolve(c, &r, inst, &who, uris[k], &err) != 0 || r.role == NULL)
                abort();
            if ((r.mapping < 0) != (strcmp(r.role, inst) == 0 && r.identifier == NULL))
                abort();
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = {"sc.json", "sc.yaml", NULL};
    for (size_t i = 0; i < 3; i++) {
        seckit_emrfs_config_options o = {SECKIT_EMRFS_CONFIG_OPTIONS_VERSION, names[i], NULL};
        seckit_emrfs_config *c = NULL;
        seckit_error err;
        if (seckit_emrfs_config_parse(&c, (const char *)data, size, &o, &err) == 0) {
            if (c->count == 0)
                abort();
            for (size_t m = 0; m < c->count; m++)
                if (c->mappings[m].identifier_count == 0 || c->mappings[m].role == NULL)
                    abort();
            resolve_some(c);
            seckit_emrfs_config_free(c);
        } else if (c != NULL) {
            abort();
        }
    }
    seckit_emrfs_groups *g = NULL;
    seckit_error err;
    if (seckit_emrfs_groups_parse(&g, (const char *)data, size, &err) == 0) {
        const char *const *gl = NULL;
        size_t n = seckit_emrfs_groups_of(g, &gl, "dataeng1");
        for (size_t i = 0; i < n; i++)
            if (gl[i] == NULL || !seckit_emrfs_groups_has_group(g, gl[i]))
                abort();
        seckit_emrfs_groups_free(g);
    }
    seckit_emrfs_roles *r = NULL;
    if (seckit_emrfs_roles_new(&r, &err) == 0) {
        size_t missing = 0;
        /* 0 or a negative code, never anything else. */
        if (seckit_emrfs_roles_add_authorization_details(r, &missing, (const char *)data, size,
                                                         &err) > 0)
            abort();
        seckit_emrfs_roles_free(r);
    }
    return 0;
}

/* CloudFront (REST-XML, 2020-05-31): public keys, field-level encryption
 * profiles and configurations; JSON (AWS CLI shapes) <-> XML. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "src/base/buf.h"
#include "src/aws/client.h"
#include "src/aws/xml.h"
#include "src/base/guard.h"

#define CF_NS "http://cloudfront.amazonaws.com/doc/2020-05-31/"
#define CF_PREFIX "/2020-05-31/"
#define CF_MAX_PAGES 100
#define CF_DOC_MAX (1u << 20)

/* The element name of one item of each list. */
static const struct {
    const char *list;
    const char *item;
} item_names[] = {
    {"EncryptionEntities", "EncryptionEntity"},
    {"FieldPatterns", "FieldPattern"},
    {"QueryArgProfiles", "QueryArgProfile"},
    {"ContentTypeProfiles", "ContentTypeProfile"},
};

static const char *item_name(const char *list)
{
    for (size_t i = 0; i < SKT_ARRAY_LEN(item_names); i++)
        if (strcmp(item_names[i].list, list) == 0)
            return item_names[i].item;
    return NULL;
}

void seckit_cf_result_free(seckit_cf_result *r)
{
    if (r == NULL)
        return;
    free(r->json);
    memset(r, 0, sizeof *r);
}

/* ---- JSON -> XML ---- */

static int is_name(const char *s)
{
    if (s == NULL || *s == '\0' || strlen(s) > 64)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
            return 0;
    return 1;
}

static int json_to_xml(skt_writer *w, const char *name, const cJSON *v, int depth,
                       seckit_error *err);

static int json_children(skt_writer *w, const char *parent, const cJSON *obj, int depth,
                         seckit_error *err)
{
    for (const cJSON *c = obj->child; c != NULL; c = c->next) {
        if (strcmp(c->string, "Items") == 0 && cJSON_IsArray(c)) {
            const char *in = item_name(parent);
            SKT_ENSURE(in != NULL, err, SECKIT_EINVAL,
                       "cloudfront: no XML item name known for the list %.64s", parent);
            SKT_GUARD(skt_writer_str(w, "<Items>", err));
            for (const cJSON *it = c->child; it != NULL; it = it->next)
                SKT_GUARD(json_to_xml(w, in, it, depth + 1, err));
            SKT_GUARD(skt_writer_str(w, "</Items>", err));
        } else {
            SKT_GUARD(json_to_xml(w, c->string, c, depth + 1, err));
        }
    }
    return 0;
}

static int json_to_xml(skt_writer *w, const char *name, const cJSON *v, int depth,
                       seckit_error *err)
{
    SKT_ENSURE(depth < 16, err, SECKIT_ELIMIT, "cloudfront: configuration nested too deeply");
    SKT_ENSURE(is_name(name), err, SECKIT_EINVAL, "cloudfront: '%.64s' is not a field name",
               name ? name : "");
    SKT_GUARD(skt_writer_put(w, "<", 1, err));
    SKT_GUARD(skt_writer_str(w, name, err));
    SKT_GUARD(skt_writer_put(w, ">", 1, err));
    if (cJSON_IsObject(v)) {
        SKT_GUARD(json_children(w, name, v, depth, err));
    } else if (cJSON_IsString(v)) {
        SKT_GUARD(skt_xml_escape(w, v->valuestring, err));
    } else if (cJSON_IsBool(v)) {
        SKT_GUARD(skt_writer_str(w, cJSON_IsTrue(v) ? "true" : "false", err));
    } else if (cJSON_IsNumber(v)) {
        char num[32];
        SKT_ENSURE(v->valuedouble >= 0 && v->valuedouble <= 1e9 &&
                       v->valuedouble == (double)(long)v->valuedouble,
                   err, SECKIT_EINVAL, "cloudfront: %s must be a whole number", name);
        snprintf(num, sizeof num, "%ld", (long)v->valuedouble);
        SKT_GUARD(skt_writer_str(w, num, err));
    } else {
        return seckit_error_set(err, SECKIT_EINVAL, "cloudfront: %s has an unsupported JSON type",
                                name);
    }
    SKT_GUARD(skt_writer_str(w, "</", err));
    SKT_GUARD(skt_writer_str(w, name, err));
    return skt_writer_put(w, ">", 1, err);
}

static int config_xml(const char *root, const char *config_json, char **xml, seckit_error *err)
{
    *xml = NULL;
    SKT_ENSURE(config_json != NULL && strlen(config_json) < CF_DOC_MAX, err, SECKIT_EINVAL,
               "cloudfront: configuration missing or too large");
    cJSON *j = cJSON_Parse(config_json);
    if (!cJSON_IsObject(j)) {
        cJSON_Delete(j);
        return seckit_error_set(err, SECKIT_EFORMAT, "cloudfront: %s must be a JSON object", root);
    }
    skt_writer w;
    skt_writer_init(&w, CF_DOC_MAX);
    int rc = skt_writer_str(&w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<", err);
    if (rc == 0)
        rc = skt_writer_str(&w, root, err);
    if (rc == 0)
        rc = skt_writer_str(&w, " xmlns=\"" CF_NS "\">", err);
    if (rc == 0)
        rc = json_children(&w, root, j, 0, err);
    if (rc == 0)
        rc = skt_writer_str(&w, "</", err);
    if (rc == 0)
        rc = skt_writer_str(&w, root, err);
    if (rc == 0)
        rc = skt_writer_put(&w, ">", 1, err);
    if (rc == 0)
        rc = skt_writer_terminate(&w, err);
    cJSON_Delete(j);
    if (rc != 0) {
        skt_writer_free(&w);
        seckit_error_prefix(err, root);
        return rc;
    }
    *xml = (char *)skt_writer_steal(&w, NULL);
    return 0;
}

/* ---- XML -> JSON ---- */

static cJSON *xml_to_json(const skt_xml_node *n, int depth)
{
    if (depth > 16)
        return NULL;
    const char *name = skt_xml_local(n);
    if (strcmp(name, "Items") == 0) {
        cJSON *a = cJSON_CreateArray();
        for (const skt_xml_node *c = n->child; a != NULL && c != NULL; c = c->next) {
            cJSON *v = xml_to_json(c, depth + 1);
            if (v == NULL) {
                cJSON_Delete(a);
                return NULL;
            }
            cJSON_AddItemToArray(a, v);
        }
        return a;
    }
    if (n->child == NULL) {
        if (strcmp(name, "Quantity") == 0 || strcmp(name, "MaxItems") == 0) {
            char *end;
            double d = strtod(n->text, &end);
            if (*n->text && *end == '\0')
                return cJSON_CreateNumber(d);
        }
        if ((strncmp(name, "Forward", 7) == 0 || strcmp(name, "IsTruncated") == 0) &&
            (strcmp(n->text, "true") == 0 || strcmp(n->text, "false") == 0))
            return cJSON_CreateBool(strcmp(n->text, "true") == 0);
        return cJSON_CreateString(n->text);
    }
    cJSON *o = cJSON_CreateObject();
    for (const skt_xml_node *c = n->child; o != NULL && c != NULL; c = c->next) {
        cJSON *v = xml_to_json(c, depth + 1);
        if (v == NULL) {
            cJSON_Delete(o);
            return NULL;
        }
        cJSON_AddItemToObject(o, skt_xml_local(c), v);
    }
    return o;
}

static int root_json(const skt_xml_node *root, const char *expect, cJSON **out, seckit_error *err)
{
    *out = NULL;
    SKT_ENSURE(root != NULL && strcmp(skt_xml_local(root), expect) == 0, err, SECKIT_EFORMAT,
               "cloudfront: response is not <%s>", expect);
    cJSON *wrap = cJSON_CreateObject();
    cJSON *v = xml_to_json(root, 0);
    if (wrap == NULL || v == NULL) {
        cJSON_Delete(wrap);
        cJSON_Delete(v);
        return seckit_error_set(err, SECKIT_EFORMAT, "cloudfront: cannot convert <%s>", expect);
    }
    cJSON_AddItemToObject(wrap, expect, v);
    *out = wrap;
    return 0;
}

static int finish(cJSON *j, const skt_xml_node *root, const seckit_aws_response *resp,
                  seckit_cf_result *out, seckit_error *err)
{
    out->json = cJSON_Print(j);
    SKT_ENSURE(out->json != NULL, err, SECKIT_ENOMEM, "out of memory");
    const char *id = skt_xml_text(root, "Id");
    if (id != NULL)
        snprintf(out->id, sizeof out->id, "%s", id);
    const char *etag = seckit_aws_response_header(resp, "etag");
    if (etag != NULL)
        snprintf(out->etag, sizeof out->etag, "%s", etag);
    const char *loc = seckit_aws_response_header(resp, "location");
    if (loc != NULL)
        snprintf(out->location, sizeof out->location, "%s", loc);
    return 0;
}

/* The answer to a create or get call that returned rc: <result_root> as
 * JSON, with the Id and ETag, into out (cleared on failure).  Frees root
 * and resp. */
static int cf_answer(int rc, skt_xml_node *root, seckit_aws_response *resp, const char *result_root,
                     seckit_cf_result *out, seckit_error *err)
{
    cJSON *j = NULL;
    if (rc == 0)
        rc = root_json(root, result_root, &j, err);
    if (rc == 0)
        rc = finish(j, root, resp, out, err);
    cJSON_Delete(j);
    skt_xml_free(root);
    seckit_aws_response_free(resp);
    if (rc != 0)
        seckit_cf_result_free(out);
    return rc;
}

/* Create: POST the config; the answer is <Resource> (201). */
static int cf_create(seckit_aws *aws, const char *path, const char *config_root,
                     const char *result_root, const char *config_json, seckit_cf_result *out,
                     seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && out != NULL, err);
    memset(out, 0, sizeof *out);
    char *xml = NULL;
    SKT_GUARD(config_xml(config_root, config_json, &xml, err));
    seckit_aws_kv h[] = {{"Content-Type", "text/xml"}};
    skt_xml_node *root = NULL;
    seckit_aws_response resp = {0};
    int rc = skt_aws_rest_xml_call(aws, "cloudfront", "POST", path, NULL, 0, h, 1, xml, &root,
                                   &resp, err);
    free(xml);
    return cf_answer(rc, root, &resp, result_root, out, err);
}

static int valid_id(const char *id)
{
    if (id == NULL || *id == '\0' || strlen(id) > 100)
        return 0;
    for (; *id; id++)
        if (!((*id >= 'A' && *id <= 'Z') || (*id >= 'a' && *id <= 'z') ||
              (*id >= '0' && *id <= '9') || *id == '-' || *id == '_'))
            return 0;
    return 1;
}

static int cf_get(seckit_aws *aws, const char *resource, const char *id, const char *result_root,
                  seckit_cf_result *out, seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && out != NULL, err);
    memset(out, 0, sizeof *out);
    SKT_ENSURE(valid_id(id), err, SECKIT_EINVAL, "cloudfront: invalid Id");
    char path[256];
    snprintf(path, sizeof path, CF_PREFIX "%s/%s", resource, id);
    skt_xml_node *root = NULL;
    seckit_aws_response resp = {0};
    int rc = skt_aws_rest_xml_call(aws, "cloudfront", "GET", path, NULL, 0, NULL, 0, NULL, &root,
                                   &resp, err);
    return cf_answer(rc, root, &resp, result_root, out, err);
}

/* List every page (Marker / NextMarker), merging Items. */
static int cf_list(seckit_aws *aws, const char *resource, const char *list_root,
                   seckit_cf_result *out, seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && out != NULL, err);
    memset(out, 0, sizeof *out);
    char path[256], marker[1024] = "";
    snprintf(path, sizeof path, CF_PREFIX "%s", resource);
    cJSON *acc = NULL, *items = NULL;
    int rc = 0;
    for (int page = 0; rc == 0; page++) {
        if (page >= CF_MAX_PAGES) {
            rc = seckit_error_set(err, SECKIT_ELIMIT, "cloudfront: more than %d pages",
                                  CF_MAX_PAGES);
            break;
        }
        seckit_aws_kv q[] = {{"Marker", marker}};
        skt_xml_node *root = NULL;
        seckit_aws_response resp = {0};
        rc = skt_aws_rest_xml_call(aws, "cloudfront", "GET", path, q, marker[0] ? 1 : 0, NULL, 0,
                                   NULL, &root, &resp, err);
        cJSON *j = NULL;
        if (rc == 0)
            rc = root_json(root, list_root, &j, err);
        if (rc == 0) {
            cJSON *lst = cJSON_GetObjectItemCaseSensitive(j, list_root);
            cJSON *its = cJSON_GetObjectItemCaseSensitive(lst, "Items");
            if (acc == NULL) {
                acc = j;
                j = NULL;
                items = its;
                if (items == NULL)
                    items = cJSON_AddArrayToObject(lst, "Items");
                if (!cJSON_IsArray(items))
                    rc = seckit_error_set(err, SECKIT_EFORMAT, "cloudfront: Items is not a list");
            } else if (its != NULL) {
                while (its->child != NULL)
                    cJSON_AddItemToArray(items, cJSON_DetachItemViaPointer(its, its->child));
            }
        }
        const char *next = root != NULL ? skt_xml_text(root, "NextMarker") : NULL;
        int more = rc == 0 && next != NULL && *next && strcmp(next, marker) != 0 &&
                   strlen(next) < sizeof marker;
        if (more)
            snprintf(marker, sizeof marker, "%s", next);
        cJSON_Delete(j);
        skt_xml_free(root);
        seckit_aws_response_free(&resp);
        if (!more)
            break;
    }
    if (rc == 0 && acc != NULL) {
        cJSON *lst = cJSON_GetObjectItemCaseSensitive(acc, list_root);
        cJSON_DeleteItemFromObjectCaseSensitive(lst, "NextMarker");
        cJSON *qn = cJSON_GetObjectItemCaseSensitive(lst, "Quantity");
        if (qn != NULL)
            cJSON_SetNumberValue(qn, cJSON_GetArraySize(items));
        out->json = cJSON_Print(acc);
        if (out->json == NULL)
            rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    }
    cJSON_Delete(acc);
    if (rc != 0)
        seckit_cf_result_free(out);
    return rc;
}

int seckit_cf_create_public_key(seckit_aws *aws, seckit_cf_result *out, const char *config_json,
                                seckit_error *err)
{
    return cf_create(aws, CF_PREFIX "public-key", "PublicKeyConfig", "PublicKey", config_json, out,
                     err);
}

int seckit_cf_get_public_key(seckit_aws *aws, seckit_cf_result *out, const char *id,
                             seckit_error *err)
{
    return cf_get(aws, "public-key", id, "PublicKey", out, err);
}

int seckit_cf_list_public_keys(seckit_aws *aws, seckit_cf_result *out, seckit_error *err)
{
    return cf_list(aws, "public-key", "PublicKeyList", out, err);
}

int seckit_cf_create_fle_profile(seckit_aws *aws, seckit_cf_result *out, const char *config_json,
                                 seckit_error *err)
{
    return cf_create(aws, CF_PREFIX "field-level-encryption-profile",
                     "FieldLevelEncryptionProfileConfig", "FieldLevelEncryptionProfile",
                     config_json, out, err);
}

int seckit_cf_get_fle_profile(seckit_aws *aws, seckit_cf_result *out, const char *id,
                              seckit_error *err)
{
    return cf_get(aws, "field-level-encryption-profile", id, "FieldLevelEncryptionProfile", out,
                  err);
}

int seckit_cf_list_fle_profiles(seckit_aws *aws, seckit_cf_result *out, seckit_error *err)
{
    return cf_list(aws, "field-level-encryption-profile", "FieldLevelEncryptionProfileList", out,
                   err);
}

int seckit_cf_create_fle_config(seckit_aws *aws, seckit_cf_result *out, const char *config_json,
                                seckit_error *err)
{
    return cf_create(aws, CF_PREFIX "field-level-encryption", "FieldLevelEncryptionConfig",
                     "FieldLevelEncryption", config_json, out, err);
}

int seckit_cf_get_fle_config(seckit_aws *aws, seckit_cf_result *out, const char *id,
                             seckit_error *err)
{
    return cf_get(aws, "field-level-encryption", id, "FieldLevelEncryption", out, err);
}

int seckit_cf_list_fle_configs(seckit_aws *aws, seckit_cf_result *out, seckit_error *err)
{
    return cf_list(aws, "field-level-encryption", "FieldLevelEncryptionList", out, err);
}

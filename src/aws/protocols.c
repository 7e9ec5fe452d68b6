/* Protocol helpers shared by the typed calls: query (STS, IAM), JSON 1.1
 * (KMS, SSM) and REST-XML (CloudFront). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "src/base/buf.h"
#include "src/base/secmem.h"
#include "src/aws/client.h"
#include "src/aws/sigv4.h"
#include "src/aws/xml.h"
#include "src/base/guard.h"

void skt_json_wipe_delete(cJSON *j)
{
    if (j == NULL)
        return;
    for (cJSON *it = j->child; it != NULL; it = it->next)
        if (cJSON_IsString(it) && it->valuestring != NULL)
            skt_wipe(it->valuestring, strlen(it->valuestring));
        else if (it->child != NULL)
            for (cJSON *c = it->child; c != NULL; c = c->next)
                if (cJSON_IsString(c) && c->valuestring != NULL)
                    skt_wipe(c->valuestring, strlen(c->valuestring));
    cJSON_Delete(j);
}

static void wipe_response(seckit_aws_response *r)
{
    if (r->body != NULL)
        skt_wipe(r->body, r->body_len);
    seckit_aws_response_free(r);
}

int skt_aws_query_call(seckit_aws *aws, const seckit_aws_credentials *creds, const char *service,
                       const char *action, const char *version, const seckit_aws_kv *params,
                       size_t nparams, skt_xml_node **root, const skt_xml_node **result,
                       seckit_error *err)
{
    *root = NULL;
    *result = NULL;
    skt_writer w;
    skt_writer_init_secret(&w, 1 << 20);
    int rc = 0;
    SKT_GUARD_GOTO(skt_writer_str(&w, "Action=", err), rc, done);
    SKT_GUARD_GOTO(skt_uri_encode(&w, action, strlen(action), 0, err), rc, done);
    SKT_GUARD_GOTO(skt_writer_str(&w, "&Version=", err), rc, done);
    SKT_GUARD_GOTO(skt_uri_encode(&w, version, strlen(version), 0, err), rc, done);
    for (size_t i = 0; i < nparams; i++) {
        if (params[i].value == NULL)
            continue;
        SKT_GUARD_GOTO(skt_writer_put(&w, "&", 1, err), rc, done);
        SKT_GUARD_GOTO(skt_uri_encode(&w, params[i].name, strlen(params[i].name), 0, err), rc,
                       done);
        SKT_GUARD_GOTO(skt_writer_put(&w, "=", 1, err), rc, done);
        SKT_GUARD_GOTO(skt_uri_encode(&w, params[i].value, strlen(params[i].value), 0, err), rc,
                       done);
    }
    seckit_aws_request req = SECKIT_AWS_REQUEST_INIT;
    req.service = service;
    req.method = "POST";
    req.path = "/";
    req.body = w.data;
    req.body_len = w.len;
    req.protocol = SECKIT_AWS_PROTO_QUERY;
    seckit_aws_response resp = {0};
    rc = creds != NULL ? skt_aws_send_as(aws, &req, creds, &resp, err)
                       : seckit_aws_send(aws, &resp, &req, err);
    if (rc == 0) {
        rc = skt_xml_parse(resp.body, resp.body_len, root, err);
        if (rc != 0) {
            seckit_error_prefix(err, action);
            seckit_error_prefix(err, service);
        } else {
            char rname[128];
            snprintf(rname, sizeof rname, "%sResult", action);
            char respname[128];
            snprintf(respname, sizeof respname, "%sResponse", action);
            *result = skt_xml_child(*root, rname);
            if (strcmp(skt_xml_local(*root), respname) != 0 || *result == NULL) {
                rc = seckit_error_set(err, SECKIT_EFORMAT, "%s %s: response is not <%s> with <%s>",
                                      service, action, respname, rname);
                skt_xml_free(*root);
                *root = NULL;
                *result = NULL;
            }
        }
    }
    wipe_response(&resp);
done:
    skt_writer_free(&w);
    return rc;
}

int skt_aws_json_call(seckit_aws *aws, const char *service, const char *target,
                      const cJSON *request, cJSON **out, seckit_error *err)
{
    return skt_aws_json_call_in(aws, service, NULL, target, request, out, err);
}

int skt_aws_json_call_in(seckit_aws *aws, const char *service, const char *region,
                         const char *target, const cJSON *request, cJSON **out, seckit_error *err)
{
    *out = NULL;
    char *body = cJSON_PrintUnformatted(request);
    SKT_ENSURE(body != NULL, err, SECKIT_ENOMEM, "out of memory");
    seckit_aws_request req = SECKIT_AWS_REQUEST_INIT;
    req.service = service;
    req.method = "POST";
    req.path = "/";
    req.body = body;
    req.body_len = strlen(body);
    req.target = target;
    req.region = region;
    req.protocol = SECKIT_AWS_PROTO_JSON;
    seckit_aws_response resp = {0};
    int rc = seckit_aws_send(aws, &resp, &req, err);
    skt_wipe_free(body, req.body_len);
    if (rc == 0) {
        const char *dot = strrchr(target, '.');
        *out = resp.body != NULL ? cJSON_ParseWithLength((const char *)resp.body, resp.body_len)
                                 : NULL;
        if (!cJSON_IsObject(*out)) {
            skt_json_wipe_delete(*out);
            *out = NULL;
            rc = seckit_error_set(err, SECKIT_EFORMAT, "%s %s: response is not a JSON object",
                                  service, dot ? dot + 1 : target);
        }
    }
    wipe_response(&resp);
    return rc;
}

int skt_aws_rest_xml_call(seckit_aws *aws, const char *service, const char *method,
                          const char *path, const seckit_aws_kv *query, size_t nquery,
                          const seckit_aws_kv *headers, size_t nheaders, const char *body,
                          skt_xml_node **root, seckit_aws_response *resp, seckit_error *err)
{
    *root = NULL;
    seckit_aws_request req = SECKIT_AWS_REQUEST_INIT;
    req.service = service;
    req.method = method;
    req.path = path;
    req.query = query;
    req.query_count = nquery;
    req.headers = headers;
    req.header_count = nheaders;
    req.body = body;
    req.body_len = body != NULL ? strlen(body) : 0;
    req.protocol = SECKIT_AWS_PROTO_REST_XML;
    int rc = seckit_aws_send(aws, resp, &req, err);
    if (rc == 0 && resp->body != NULL && resp->body_len > 0) {
        rc = skt_xml_parse(resp->body, resp->body_len, root, err);
        if (rc != 0) {
            char what[96];
            snprintf(what, sizeof what, "%s %s %.60s: response", service, method, path);
            seckit_error_prefix(err, what);
        }
    }
    return rc;
}

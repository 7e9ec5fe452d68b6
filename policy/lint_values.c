/* policy/: values that cannot be right: region names no partition has
 * (INVALID_REGION, INVALID_ARN_REGION).  Dates that do not exist
 * (TYPE_MISMATCH_DATE) are refused by the parser the compiler uses,
 * skt_date_check in condition.c.
 *
 * To update: one line per partition below, regions separated by spaces.
 * The list follows the partitions file of the AWS SDKs (botocore's
 * data/partitions.json, "regions" of each partition, without the
 * "aws-global"-style pseudo regions); add a region the day it launches. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "policy/lint_internal.h"
#include "src/base/guard.h"

static const struct {
    const char *partition;
    const char *regions; /* space-separated */
} partitions[] = {
    {"aws",
     "af-south-1 ap-east-1 ap-east-2 ap-northeast-1 ap-northeast-2 ap-northeast-3 ap-south-1 ap-south-2 "
     "ap-southeast-1 ap-southeast-2 ap-southeast-3 ap-southeast-4 ap-southeast-5 ap-southeast-6 ap-southeast-7 "
     "ca-central-1 ca-west-1 eu-central-1 eu-central-2 eu-north-1 eu-south-1 eu-south-2 eu-west-1 eu-west-2 "
     "eu-west-3 il-central-1 me-central-1 me-south-1 mx-central-1 sa-east-1 us-east-1 us-east-2 us-west-1 "
     "us-west-2"},
    {"aws-cn", "cn-north-1 cn-northwest-1"},
    {"aws-us-gov", "us-gov-east-1 us-gov-west-1"},
    {"aws-iso", "us-iso-east-1 us-iso-west-1"},
    {"aws-iso-b", "us-isob-east-1 us-isob-west-1"},
    {"aws-iso-e", "eu-isoe-west-1"},
    {"aws-iso-f", "us-isof-east-1 us-isof-south-1"},
    {"aws-eusc", "eusc-de-east-1"},
};

const char *skt_lint_region_partition(const char *s, size_t n)
{
    if (n == 0)
        return NULL;
    for (size_t p = 0; p < SKT_ARRAY_LEN(partitions); p++) {
        const char *r = partitions[p].regions;
        while (*r) {
            const char *e = strchr(r, ' ');
            size_t rl = e != NULL ? (size_t)(e - r) : strlen(r);
            if (rl == n && memcmp(r, s, n) == 0)
                return partitions[p].partition;
            r += rl;
            while (*r == ' ')
                r++;
        }
    }
    return NULL;
}

/* policy/: values that cannot be right: region names no partition has
 * (INVALID_REGION, INVALID_ARN_REGION) and dates that do not exist
 * (TYPE_MISMATCH_DATE).
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
    {"aws", "af-south-1 ap-east-1 ap-east-2 ap-northeast-1 ap-northeast-2 ap-northeast-3 ap-south-1 ap-south-2 "
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

static int two(const char *s, int *v)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
        return -1;
    *v = (s[0] - '0') * 10 + (s[1] - '0');
    return 0;
}

/* s has the shape skt_parse_date accepts (YYYY[-MM[-DD[Thh:mm[:ss...]]]]
 * or epoch seconds); only the fields' ranges are checked here. */
int skt_lint_date_exists(const char *s, size_t n, char *why, size_t cap)
{
    if (n < 7 || s[4] != '-')
        return 0; /* a year alone, or epoch seconds */
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int mo, d = 1, h = 0, mi = 0, sec = 0;
    if (two(s + 5, &mo) != 0)
        return 0;
    if (mo < 1 || mo > 12) {
        snprintf(why, cap, "there is no month %02d", mo);
        return -1;
    }
    if (n >= 10 && s[7] == '-' && two(s + 8, &d) == 0) {
        static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        int maxd = mdays[mo - 1] + (mo == 2 && leap);
        if (d < 1 || d > maxd) {
            snprintf(why, cap, "%04d-%02d has %d days", y, mo, maxd);
            return -1;
        }
    }
    if (n >= 16 && s[10] == 'T' && two(s + 11, &h) == 0 && two(s + 14, &mi) == 0) {
        if (h > 23 || mi > 59) {
            snprintf(why, cap, "%02d:%02d is not a time of day", h, mi);
            return -1;
        }
        /* 60: a leap second */
        if (n >= 19 && s[16] == ':' && two(s + 17, &sec) == 0 && sec > 60) {
            snprintf(why, cap, "a minute has no second %02d", sec);
            return -1;
        }
    }
    /* the zone offset: at most 23:59 (hh:mm at the end after + or -) */
    if (n >= 22 && (s[n - 6] == '+' || s[n - 6] == '-') && s[n - 3] == ':' && s[10] == 'T') {
        int oh, om;
        if (two(s + n - 5, &oh) == 0 && two(s + n - 2, &om) == 0 && (oh > 23 || om > 59)) {
            snprintf(why, cap, "%.6s is not a time zone offset", s + n - 6);
            return -1;
        }
    }
    return 0;
}

/* The IAM and CloudFront parts of the mock AWS server (see mock_aws.c). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tests/aws/mock.h"

void mock_handle_iam(int fd, const req *r, const char *action)
{
    (void)r;
    (void)action;
    mock_error(fd, 400, "InvalidAction", "The action is not valid for this endpoint");
}

void mock_handle_cloudfront(int fd, const req *r)
{
    (void)r;
    mock_error_cf(fd, 404, "NoSuchResource", "The specified resource does not exist.");
}

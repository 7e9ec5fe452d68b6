# src/aws/: thin AWS API calls over libcurl (libcurl lives here only): SigV4,
# credentials, HTTP with retries, STS/KMS/SSM/IAM/CloudFront, S3 objects
# (s3*.c), S3 client-side encryption against a live S3 (s3cse_object.c,
# s3cse_manifest.c) and the KMS keyring callbacks (s3cse_kms.c), and the
# dependency-version report (dependencies.c).  Its tests are in tests/tests.mk.
libseckit_internal_la_SOURCES += \
	src/aws/curl_version.c \
	src/aws/dependencies.c \
	src/aws/sigv4.c \
	src/aws/xml.c \
	src/aws/client.c \
	src/aws/errors.c \
	src/aws/http.c \
	src/aws/pool.c \
	src/aws/creds.c \
	src/aws/sso.c \
	src/aws/protocols.c \
	src/aws/sts.c \
	src/aws/kms.c \
	src/aws/ssm.c \
	src/aws/iam.c \
	src/aws/cloudfront.c \
	src/aws/s3.c \
	src/aws/s3_upload.c \
	src/aws/s3_account.c \
	src/aws/s3cse_kms.c \
	src/aws/s3cse_manifest.c \
	src/aws/s3cse_object.c
noinst_HEADERS += \
	src/aws/curl_version.h \
	src/aws/sigv4.h \
	src/aws/xml.h \
	src/aws/client.h \
	src/aws/s3_internal.h
seckitinclude_HEADERS += \
	include/seckit/aws.h \
	include/seckit/sigv4.h \
	include/seckit/sts.h \
	include/seckit/kms.h \
	include/seckit/ssm.h \
	include/seckit/iam.h \
	include/seckit/cloudfront.h \
	include/seckit/s3.h \
	include/seckit/s3cse_object.h

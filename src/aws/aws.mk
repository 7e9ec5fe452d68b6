# src/aws/: thin AWS API calls over libcurl (libcurl lives here only).
libseckit_internal_la_SOURCES += src/aws/curl_version.c \
	src/aws/sigv4.c \
	src/aws/xml.c \
	src/aws/client.c \
	src/aws/errors.c \
	src/aws/http.c \
	src/aws/creds.c \
	src/aws/calls.c \
	src/aws/sts.c \
	src/aws/kms.c \
	src/aws/ssm.c
noinst_HEADERS += src/aws/curl_version.h src/aws/sigv4.h src/aws/xml.h src/aws/client.h
seckitinclude_HEADERS += include/seckit/aws.h

UNIT_TESTS += tests/unit/test_aws_sigv4
check_PROGRAMS += tests/unit/test_aws_sigv4
tests_unit_test_aws_sigv4_SOURCES = tests/unit/test_aws_sigv4.c
tests_unit_test_aws_sigv4_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_aws_sigv4_LDADD = $(TEST_LDADD)

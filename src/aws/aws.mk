# src/aws/: thin AWS API calls over libcurl (libcurl lives here only).
libseckit_internal_la_SOURCES += src/aws/curl_version.c \
	src/aws/sigv4.c
noinst_HEADERS += src/aws/curl_version.h src/aws/sigv4.h
seckitinclude_HEADERS += include/seckit/aws.h

UNIT_TESTS += tests/unit/test_aws_sigv4
check_PROGRAMS += tests/unit/test_aws_sigv4
tests_unit_test_aws_sigv4_SOURCES = tests/unit/test_aws_sigv4.c
tests_unit_test_aws_sigv4_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_aws_sigv4_LDADD = $(TEST_LDADD)

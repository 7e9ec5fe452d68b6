# src/aws/: thin AWS API calls over libcurl (libcurl lives here only).
libseckit_internal_la_SOURCES += src/aws/curl_version.c \
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
	src/aws/cloudfront.c
noinst_HEADERS += src/aws/curl_version.h src/aws/sigv4.h src/aws/xml.h src/aws/client.h
seckitinclude_HEADERS += include/seckit/aws.h include/seckit/sigv4.h include/seckit/sts.h \
	include/seckit/kms.h include/seckit/ssm.h include/seckit/iam.h include/seckit/cloudfront.h

UNIT_TESTS += tests/unit/test_aws_sigv4 tests/unit/test_aws_config
check_PROGRAMS += tests/unit/test_aws_sigv4 tests/unit/test_aws_config
tests_unit_test_aws_config_SOURCES = tests/unit/test_aws_config.c
tests_unit_test_aws_config_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_aws_config_LDADD = $(TEST_LDADD)
tests_unit_test_aws_sigv4_SOURCES = tests/unit/test_aws_sigv4.c
tests_unit_test_aws_sigv4_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_aws_sigv4_LDADD = $(TEST_LDADD)

# The loopback mock AWS server and the tests that drive the library against it.
check_PROGRAMS += tests/aws/mock_aws tests/aws/test_aws_mock tests/aws/test_aws_creds
UNIT_TESTS += tests/aws/test_aws_mock tests/aws/test_aws_creds
noinst_HEADERS += tests/aws/mock.h tests/aws/mockctl.h
tests_aws_mock_aws_SOURCES = tests/aws/mock_aws.c tests/aws/mock_iam_cf.c tests/aws/mock_creds.c \
	tests/aws/mock_s3.c
tests_aws_mock_aws_CFLAGS = $(TEST_CFLAGS)
tests_aws_mock_aws_LDADD = $(TEST_LDADD)
tests_aws_test_aws_mock_SOURCES = tests/aws/test_aws_mock.c
tests_aws_test_aws_mock_CFLAGS = $(TEST_CFLAGS)
tests_aws_test_aws_mock_LDADD = $(TEST_LDADD)
# The credential chain (web identity, SSO, MFA, IMDSv1, the credential cache).
tests_aws_test_aws_creds_SOURCES = tests/aws/test_aws_creds.c
tests_aws_test_aws_creds_CFLAGS = $(TEST_CFLAGS)
tests_aws_test_aws_creds_LDADD = $(TEST_LDADD)

# seckit aws whoami
dist_man_MANS += man/seckit-aws.1
SCRIPT_TESTS += tests/cli/test-aws.sh tests/cli/test-aws-net.sh tests/cli/test-aws-creds.sh

# Fuzz target for everything src/aws parses (XML, error documents, credentials JSON, INI).
FUZZ_TARGETS += tests/fuzz/fuzz_aws_response
FUZZ_REPLAYERS += tests/fuzz/replay_aws_response
check_PROGRAMS += tests/fuzz/replay_aws_response
tests_fuzz_replay_aws_response_SOURCES = tests/fuzz/fuzz_aws_response.c tests/fuzz/replay.c
tests_fuzz_replay_aws_response_CFLAGS = $(TEST_CFLAGS)
tests_fuzz_replay_aws_response_LDADD = $(TEST_LDADD)
if FUZZING
tests_fuzz_fuzz_aws_response_SOURCES = tests/fuzz/fuzz_aws_response.c
tests_fuzz_fuzz_aws_response_CFLAGS = $(TEST_CFLAGS)
tests_fuzz_fuzz_aws_response_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_aws_response_LDADD = $(TEST_LDADD)
endif

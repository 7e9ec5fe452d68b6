# src/aws S3 object calls (seckit/s3.h), `seckit s3 ls|cp|rm`, and the
# integration tests against OpenStack Swift (s3api + tempauth) that
# tests/integration/swift-up.sh starts on 127.0.0.1 (packages: tests/deps/s3.apt).
libseckit_internal_la_SOURCES += src/aws/s3.c src/aws/s3_upload.c src/aws/s3_account.c
noinst_HEADERS += src/aws/s3_internal.h
seckitinclude_HEADERS += include/seckit/s3.h
dist_man_MANS += man/seckit-s3.1

UNIT_TESTS += tests/unit/test_s3 tests/aws/test_s3_mock
check_PROGRAMS += tests/unit/test_s3 tests/integration/s3_it tests/aws/test_s3_mock
tests_unit_test_s3_SOURCES = tests/unit/test_s3.c
tests_unit_test_s3_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_s3_LDADD = $(TEST_LDADD)
# the S3 calls against the mock server's fuller S3 (tests/aws/mock_s3.c)
tests_aws_test_s3_mock_SOURCES = tests/aws/test_s3_mock.c
tests_aws_test_s3_mock_CFLAGS = $(TEST_CFLAGS)
tests_aws_test_s3_mock_LDADD = $(TEST_LDADD)
# the library half of the integration test (run by test-s3.sh)
tests_integration_s3_it_SOURCES = tests/integration/s3_it.c
tests_integration_s3_it_CFLAGS = $(TEST_CFLAGS)
tests_integration_s3_it_LDADD = $(TEST_LDADD)

SCRIPT_TESTS += tests/cli/test-s3-mock.sh tests/cli/test-s3-awscli.sh tests/integration/test-s3.sh \
	tests/integration/test-s3-awscli.sh
SCRIPT_TESTS += tests/cli/test-s3-transfer.sh tests/integration/test-s3-transfer.sh
# Usage errors of `seckit s3` leak nothing (under valgrind).
SCRIPT_TESTS += tests/cli/test-s3-usage-leaks.sh
EXTRA_DIST += tests/cli/test-s3-transfer.sh tests/integration/test-s3-transfer.sh
EXTRA_DIST += tests/integration/test-s3.sh tests/integration/test-s3-awscli.sh tests/integration/swift-up.sh \
	tests/integration/swift-down.sh tests/deps/s3.apt

# The S3 response parsers' libFuzzer target and its corpus replayer.
FUZZ_TARGETS += tests/fuzz/fuzz_s3_response
FUZZ_REPLAYERS += tests/fuzz/replay_s3_response
check_PROGRAMS += tests/fuzz/replay_s3_response
tests_fuzz_replay_s3_response_SOURCES = tests/fuzz/fuzz_s3_response.c tests/fuzz/replay.c
tests_fuzz_replay_s3_response_CFLAGS = $(TEST_CFLAGS)
tests_fuzz_replay_s3_response_LDADD = $(TEST_LDADD)
if FUZZING
tests_fuzz_fuzz_s3_response_SOURCES = tests/fuzz/fuzz_s3_response.c
tests_fuzz_fuzz_s3_response_CFLAGS = $(TEST_CFLAGS)
tests_fuzz_fuzz_s3_response_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_s3_response_LDADD = $(TEST_LDADD)
endif

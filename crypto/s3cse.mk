# s3cse: S3 client-side envelope encryption formats (crypto/s3cse_*), the
# KMS keyring glue (src/aws/s3cse_kms.c), and their tests.  The `seckit s3`
# commands that use them live with the S3 command (src/aws/s3.mk, src/cli).
seckitinclude_HEADERS += include/seckit/s3cse.h
libseckit_internal_la_SOURCES += \
	crypto/s3cse_meta.c \
	crypto/s3cse_keyring.c \
	crypto/s3cse_crypt.c \
	src/aws/s3cse_kms.c
noinst_HEADERS += crypto/s3cse_internal.h

# ---- tests
UNIT_TESTS += tests/unit/test_s3cse
check_PROGRAMS += tests/unit/test_s3cse
tests_unit_test_s3cse_SOURCES = tests/unit/test_s3cse.c
tests_unit_test_s3cse_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_s3cse_LDADD = $(TEST_LDADD)
# (tests/data/s3cse holds the test RSA keys; tests/data is distributed by tests/tests.mk)

# ---- fuzzing: metadata, instruction files and envelope checks (corpus
# replayed by make check; the libFuzzer binary with --enable-fuzzing)
FUZZ_TARGETS += tests/fuzz/fuzz_s3cse_metadata
FUZZ_REPLAYERS += tests/fuzz/replay_s3cse_metadata
check_PROGRAMS += tests/fuzz/replay_s3cse_metadata
tests_fuzz_replay_s3cse_metadata_SOURCES = tests/fuzz/fuzz_s3cse_metadata.c tests/fuzz/replay.c
tests_fuzz_replay_s3cse_metadata_CFLAGS = $(TEST_CFLAGS)
tests_fuzz_replay_s3cse_metadata_LDADD = $(TEST_LDADD)
if FUZZING
tests_fuzz_fuzz_s3cse_metadata_SOURCES = tests/fuzz/fuzz_s3cse_metadata.c
tests_fuzz_fuzz_s3cse_metadata_CFLAGS = $(TEST_CFLAGS)
tests_fuzz_fuzz_s3cse_metadata_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_s3cse_metadata_LDADD = $(TEST_LDADD)
endif

# Benchmark (not run by make check).
EXTRA_DIST += tests/bench/bench-s3cse.sh tests/bench/bench_s3cse_lib.c

# The KMS keyring on the AWS layer, against the mock AWS server.
check_PROGRAMS += tests/aws/test_s3cse_kms
UNIT_TESTS += tests/aws/test_s3cse_kms
tests_aws_test_s3cse_kms_SOURCES = tests/aws/test_s3cse_kms.c
tests_aws_test_s3cse_kms_CFLAGS = $(TEST_CFLAGS)
tests_aws_test_s3cse_kms_LDADD = $(TEST_LDADD)

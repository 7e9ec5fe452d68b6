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

# esdk: AWS Encryption SDK message format and keyrings (crypto/esdk_*),
# the `seckit esdk` command, and their tests.
seckitinclude_HEADERS += include/seckit/esdk.h
noinst_HEADERS += src/cli/keyspec.h
libseckit_internal_la_SOURCES += \
	crypto/esdk_suites.c \
	crypto/esdk_crypto.c \
	crypto/esdk_context.c \
	crypto/esdk_header.c \
	crypto/esdk_keyring.c \
	crypto/esdk_keyring_raw.c \
	crypto/esdk_decrypt.c \
	crypto/esdk_encrypt.c
noinst_HEADERS += crypto/esdk_internal.h

# ---- tests
UNIT_TESTS += tests/unit/test_esdk_vectors
check_PROGRAMS += tests/unit/test_esdk_vectors
tests_unit_test_esdk_vectors_SOURCES = tests/unit/test_esdk_vectors.c
tests_unit_test_esdk_vectors_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_esdk_vectors_LDADD = $(TEST_LDADD)
# (tests/data, with esdk-dafny/ and esdk-js/, is distributed by tests/tests.mk)
UNIT_TESTS += tests/unit/test_esdk
check_PROGRAMS += tests/unit/test_esdk
tests_unit_test_esdk_SOURCES = tests/unit/test_esdk.c
tests_unit_test_esdk_CFLAGS = $(TEST_CFLAGS) -D_GNU_SOURCE
tests_unit_test_esdk_LDADD = $(TEST_LDADD)

# ---- the command
seckit_SOURCES += src/cli/cmd_esdk.c src/cli/keyspec.c
dist_man_MANS += man/seckit-esdk.1
SCRIPT_TESTS += tests/cli/test-esdk.sh tests/cli/test-esdk-interop.sh
EXTRA_DIST += tests/interop/package.json tests/interop/package-lock.json \
	tests/interop/esdk-interop.js

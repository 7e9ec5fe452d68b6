# esdk: AWS Encryption SDK message format and keyrings (crypto/esdk_*),
# the `seckit esdk` command, and their tests.
seckitinclude_HEADERS += include/seckit/esdk.h
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
UNIT_TESTS += tests/unit/test_esdk_hostile
check_PROGRAMS += tests/unit/test_esdk_hostile
tests_unit_test_esdk_hostile_SOURCES = tests/unit/test_esdk_hostile.c
tests_unit_test_esdk_hostile_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_esdk_hostile_LDADD = $(TEST_LDADD)
UNIT_TESTS += tests/unit/test_secret_grow
check_PROGRAMS += tests/unit/test_secret_grow
tests_unit_test_secret_grow_SOURCES = tests/unit/test_secret_grow.c
tests_unit_test_secret_grow_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_secret_grow_LDADD = $(TEST_LDADD)

# ---- the command
dist_man_MANS += man/seckit-esdk.1
SCRIPT_TESTS += tests/cli/test-esdk.sh tests/cli/test-esdk-interop.sh
EXTRA_DIST += tests/interop/package.json tests/interop/package-lock.json \
	tests/interop/esdk-interop.js

# ---- fuzzing: the message parser/decryptor (corpus replayed by make check)
FUZZ_TARGETS += tests/fuzz/fuzz_esdk_message
FUZZ_REPLAYERS += tests/fuzz/replay_esdk_message
check_PROGRAMS += tests/fuzz/replay_esdk_message
tests_fuzz_replay_esdk_message_SOURCES = tests/fuzz/fuzz_esdk_message.c tests/fuzz/replay.c
tests_fuzz_replay_esdk_message_CFLAGS = $(TEST_CFLAGS)
tests_fuzz_replay_esdk_message_LDADD = $(TEST_LDADD)
if FUZZING
tests_fuzz_fuzz_esdk_message_SOURCES = tests/fuzz/fuzz_esdk_message.c
tests_fuzz_fuzz_esdk_message_CFLAGS = $(TEST_CFLAGS)
tests_fuzz_fuzz_esdk_message_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_esdk_message_LDADD = $(TEST_LDADD)
endif
# Benchmark (not run by make check).
EXTRA_DIST += tests/bench/bench-esdk.sh tests/bench/bench_esdk_lib.c \
	tests/bench/bench-esdk-hostile.sh tests/bench/bench_esdk_hostile.c

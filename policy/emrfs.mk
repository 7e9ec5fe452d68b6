# policy/emrfs: EMRFS role mappings (security configuration reader,
# resolution, checks, can-access); see include/seckit/emrfs.h.
libseckit_internal_la_SOURCES += \
	policy/emrfs.c \
	policy/emrfs_check.c \
	policy/emrfs_eval.c
noinst_HEADERS += policy/emrfs_internal.h
seckitinclude_HEADERS += include/seckit/emrfs.h

# Unit tests: reader (three shapes, every malformed shape), resolution,
# groups file, checks and the seed's scenario.
UNIT_TESTS += tests/unit/test_emrfs
check_PROGRAMS += tests/unit/test_emrfs
tests_unit_test_emrfs_SOURCES = tests/unit/test_emrfs.c
tests_unit_test_emrfs_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_emrfs_LDADD = $(TEST_LDADD)
SCRIPT_TESTS += tests/cli/test-emrfs.sh

# Fuzz target: the security-configuration reader, resolution and the
# groups file (corpus tests/fuzz/corpus/emrfs_config).
FUZZ_TARGETS += tests/fuzz/fuzz_emrfs_config
FUZZ_REPLAYERS += tests/fuzz/replay_emrfs_config
check_PROGRAMS += tests/fuzz/replay_emrfs_config
tests_fuzz_replay_emrfs_config_SOURCES = tests/fuzz/fuzz_emrfs_config.c tests/fuzz/replay.c
tests_fuzz_replay_emrfs_config_CFLAGS = $(TEST_CFLAGS)
tests_fuzz_replay_emrfs_config_LDADD = $(TEST_LDADD)
if FUZZING
tests_fuzz_fuzz_emrfs_config_SOURCES = tests/fuzz/fuzz_emrfs_config.c
tests_fuzz_fuzz_emrfs_config_CFLAGS = $(TEST_CFLAGS)
tests_fuzz_fuzz_emrfs_config_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_emrfs_config_LDADD = $(TEST_LDADD)
endif

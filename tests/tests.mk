# Tests.  `make check` builds the programs below and runs tests/run-tests.sh,
# which counts PASS/FAIL/SKIP lines and ends with "N passed, N failed, N skipped".
TEST_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS) -Wno-missing-prototypes $(SECKIT_TEST_CFLAGS)
TEST_LDADD = libseckit_internal.la $(DEP_LIBS)

# ---- unit tests (each area adds its programs to UNIT_TESTS and check_PROGRAMS)
UNIT_TESTS += tests/unit/test_error tests/unit/test_buf tests/unit/test_encoding \
	tests/unit/test_file tests/unit/test_keygen tests/unit/test_secmem
check_PROGRAMS += tests/unit/test_error tests/unit/test_buf tests/unit/test_encoding \
	tests/unit/test_file tests/unit/test_keygen tests/unit/test_secmem
tests_unit_test_error_SOURCES = tests/unit/test_error.c
tests_unit_test_error_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_error_LDADD = $(TEST_LDADD)
tests_unit_test_buf_SOURCES = tests/unit/test_buf.c
tests_unit_test_buf_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_buf_LDADD = $(TEST_LDADD)
tests_unit_test_encoding_SOURCES = tests/unit/test_encoding.c
tests_unit_test_encoding_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_encoding_LDADD = $(TEST_LDADD)
tests_unit_test_file_SOURCES = tests/unit/test_file.c
tests_unit_test_file_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_file_LDADD = $(TEST_LDADD)
tests_unit_test_keygen_SOURCES = tests/unit/test_keygen.c
tests_unit_test_keygen_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_keygen_LDADD = $(TEST_LDADD)
tests_unit_test_secmem_SOURCES = tests/unit/test_secmem.c
tests_unit_test_secmem_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_secmem_LDADD = $(TEST_LDADD)
noinst_HEADERS += tests/unit/testlib.h
# The version macros against seckit_version(), through the public library
# (libseckit.la) as an installed program would use them.
UNIT_TESTS += tests/unit/test_version
check_PROGRAMS += tests/unit/test_version
tests_unit_test_version_SOURCES = tests/unit/test_version.c
tests_unit_test_version_CFLAGS = $(AM_CFLAGS) $(SECKIT_TEST_CFLAGS)
tests_unit_test_version_LDADD = libseckit.la

# ---- fuzz targets: built as libFuzzer binaries with --enable-fuzzing, and
# always as corpus replayers (tests/fuzz/replay.c) that make check runs.
FUZZ_TARGETS = tests/fuzz/fuzz_base64_reader
FUZZ_REPLAYERS = tests/fuzz/replay_base64_reader
check_PROGRAMS += $(FUZZ_REPLAYERS)
tests_fuzz_replay_base64_reader_SOURCES = tests/fuzz/fuzz_base64_reader.c tests/fuzz/replay.c
tests_fuzz_replay_base64_reader_CFLAGS = $(TEST_CFLAGS)
tests_fuzz_replay_base64_reader_LDADD = $(TEST_LDADD)
if FUZZING
noinst_PROGRAMS += $(FUZZ_TARGETS)
tests_fuzz_fuzz_base64_reader_SOURCES = tests/fuzz/fuzz_base64_reader.c
tests_fuzz_fuzz_base64_reader_CFLAGS = $(TEST_CFLAGS)
tests_fuzz_fuzz_base64_reader_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_base64_reader_LDADD = $(TEST_LDADD)
endif

# ---- script tests (CLI behaviour, repository rules)
SCRIPT_TESTS += tests/cli/test-keygen.sh tests/cli/test-cli.sh tests/lint/test-lib-no-io.sh \
	tests/lint/test-help-matches-man.sh
# Every public function is in libseckit(3).
SCRIPT_TESTS += tests/lint/test-man-covers-api.sh
# Library error paths use the guard macros of src/base/guard.h.
SCRIPT_TESTS += tests/lint/test-guards.sh
# The C sources are as clang-format (.clang-format) writes them.
SCRIPT_TESTS += tests/lint/test-format.sh
# libseckit.so exports exactly what include/seckit/*.h declares.
SCRIPT_TESTS += tests/lint/test-exported-symbols.sh
# Public functions returning an error code are SECKIT_MUST_CHECK.
SCRIPT_TESTS += tests/lint/test-must-check.sh
# seckit/seckit.h includes every public header.
SCRIPT_TESTS += tests/lint/test-seckit-h-complete.sh
# The pkg-config file keeps cJSON private (no cJSON folder in --cflags).
SCRIPT_TESTS += tests/cli/test-pkg-config.sh

EXTRA_DIST += .clang-format tests/run-tests.sh tests/lib.sh tests/cli tests/lint tests/fuzz/corpus tests/fuzz/found tests/data tests/bench/lib.sh

check-local: $(check_PROGRAMS) seckit$(EXEEXT)
	@UNIT_TESTS="$(UNIT_TESTS)" SCRIPT_TESTS="$(SCRIPT_TESTS)" \
	FUZZ_REPLAYERS="$(FUZZ_REPLAYERS)" VALGRIND_TESTS="$(VALGRIND_TESTS)" \
	top_srcdir="$(top_srcdir)" top_builddir="$(top_builddir)" \
	$(SHELL) $(top_srcdir)/tests/run-tests.sh

# The interop tests install their npm peers into the build tree when the
# source tree has none (tests/cli/test-*-interop.sh): distclean removes them
# there (never from the source tree of an in-tree build), so distcheck's
# distcleancheck finds no files left over.
distclean-local:
	if test "$(abs_top_builddir)" != "$(abs_top_srcdir)"; then \
	  rm -rf tests/interop/node_modules tests/interop/package.json \
	    tests/interop/package-lock.json tests/interop/npm.log; \
	fi

# fle: CloudFront field-level encryption (crypto/fle_*), the `seckit fle`
# command, and their tests.
libseckit_internal_la_SOURCES += \
	crypto/fle_form.c \
	crypto/fle_config.c \
	crypto/fle_crypt.c
# The keys-folder loader (file-system work: src/io, not crypto/).
libseckit_internal_la_SOURCES += src/io/fle_keys_dir.c
noinst_HEADERS += crypto/fle_internal.h
seckitinclude_HEADERS += include/seckit/fle.h
dist_man_MANS += man/seckit-fle.1

UNIT_TESTS += tests/unit/test_fle_form tests/unit/test_fle_config tests/unit/test_fle_crypt \
	tests/unit/test_fle_threads
check_PROGRAMS += tests/unit/test_fle_form tests/unit/test_fle_config tests/unit/test_fle_crypt \
	tests/unit/test_fle_threads
tests_unit_test_fle_threads_SOURCES = tests/unit/test_fle_threads.c
tests_unit_test_fle_threads_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_fle_threads_LDADD = $(TEST_LDADD)
tests_unit_test_fle_crypt_SOURCES = tests/unit/test_fle_crypt.c
tests_unit_test_fle_crypt_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_fle_crypt_LDADD = $(TEST_LDADD)
tests_unit_test_fle_form_SOURCES = tests/unit/test_fle_form.c
tests_unit_test_fle_form_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_fle_form_LDADD = $(TEST_LDADD)
tests_unit_test_fle_config_SOURCES = tests/unit/test_fle_config.c
tests_unit_test_fle_config_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_fle_config_LDADD = $(TEST_LDADD)
# The origin server's API: per-field decryption, lenient forms, public messages.
UNIT_TESTS += tests/unit/test_fle_origin
check_PROGRAMS += tests/unit/test_fle_origin
tests_unit_test_fle_origin_SOURCES = tests/unit/test_fle_origin.c
tests_unit_test_fle_origin_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_fle_origin_LDADD = $(TEST_LDADD)

# The form codec's libFuzzer target and its corpus replayer.
FUZZ_TARGETS += tests/fuzz/fuzz_fle_form
FUZZ_REPLAYERS += tests/fuzz/replay_fle_form
check_PROGRAMS += tests/fuzz/replay_fle_form
tests_fuzz_replay_fle_form_SOURCES = tests/fuzz/fuzz_fle_form.c tests/fuzz/replay.c
tests_fuzz_replay_fle_form_CFLAGS = $(TEST_CFLAGS)
tests_fuzz_replay_fle_form_LDADD = $(TEST_LDADD)
if FUZZING
tests_fuzz_fuzz_fle_form_SOURCES = tests/fuzz/fuzz_fle_form.c
tests_fuzz_fuzz_fle_form_CFLAGS = $(TEST_CFLAGS)
tests_fuzz_fuzz_fle_form_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_fle_form_LDADD = $(TEST_LDADD)
endif

SCRIPT_TESTS += tests/cli/test-fle.sh tests/cli/test-fle-interop.sh
# Configurations as `aws cloudfront` prints them, every problem at once,
# --require-fields.
SCRIPT_TESTS += tests/cli/test-fle-config.sh
# FLE-shaped fields made by the AWS Encryption SDK for JavaScript (fixture,
# with the script that made it), and the benchmark (not run by make check).
EXTRA_DIST += tests/interop/fle tests/bench/bench-fle.sh tests/bench/bench-fle-js.js

# seckit fle with AWS (SSM-held private key, fle push) against the mock AWS server.
SCRIPT_TESTS += tests/cli/test-fle-aws.sh

# The example origin server (docs/examples/fle-origin): libmicrohttpd, a
# worker pool, the public API only.  Built as a check program when configure
# finds libmicrohttpd; tests/cli/test-fle-origin.sh runs it end to end (and
# says why it skips otherwise).  Its sources are distributed with docs/.
SCRIPT_TESTS += tests/cli/test-fle-origin.sh
if HAVE_MHD
check_PROGRAMS += docs/examples/fle-origin/fle-origin
docs_examples_fle_origin_fle_origin_SOURCES = docs/examples/fle-origin/fle-origin.c
docs_examples_fle_origin_fle_origin_CFLAGS = $(AM_CFLAGS) $(MHD_CFLAGS) $(OPENSSL_CFLAGS)
docs_examples_fle_origin_fle_origin_LDADD = libseckit.la $(MHD_LIBS) $(OPENSSL_LIBS) $(PTHREAD_LIBS)
endif
EXTRA_DIST += docs/examples/fle-origin/fle-origin.c docs/examples/fle-origin/README.md
# docs/ is distributed as a whole folder, and `make dist` copies the build
# tree's docs/ too: keep the example's build outputs out of the tarball (a
# stale object there would be taken as up to date in a VPATH build).
dist-hook: dist-fle-origin-clean
dist-fle-origin-clean:
	rm -rf $(distdir)/docs/examples/fle-origin/.libs $(distdir)/docs/examples/fle-origin/.deps \
		$(distdir)/docs/examples/fle-origin/*.o $(distdir)/docs/examples/fle-origin/.dirstamp \
		$(distdir)/docs/examples/fle-origin/fle-origin
.PHONY: dist-fle-origin-clean

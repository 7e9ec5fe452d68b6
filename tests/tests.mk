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
# Versioned options structures: init, defaults, and unknown versions refused
# by every function that takes them.
UNIT_TESTS += tests/unit/test_options
check_PROGRAMS += tests/unit/test_options
tests_unit_test_options_SOURCES = tests/unit/test_options.c
tests_unit_test_options_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_options_LDADD = $(TEST_LDADD)
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
# Public functions take their out-parameters before their inputs.
SCRIPT_TESTS += tests/lint/test-out-first.sh
# seckit/seckit.h includes every public header.
SCRIPT_TESTS += tests/lint/test-seckit-h-complete.sh
# No function over 100 lines outside the listed exceptions (issue #15).
SCRIPT_TESTS += tests/lint/test-function-length.sh
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

# ---- each layer's tests, area by area (the library's own files are listed
# in its folder's fragment: src/base/base.mk, src/io/io.mk, crypto/crypto.mk,
# policy/policy.mk, src/aws/aws.mk)

# ==== ESDK: the message format and keyrings (crypto/esdk_*) and `seckit esdk`
UNIT_TESTS += tests/unit/test_esdk_vectors
check_PROGRAMS += tests/unit/test_esdk_vectors
tests_unit_test_esdk_vectors_SOURCES = tests/unit/test_esdk_vectors.c
tests_unit_test_esdk_vectors_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_esdk_vectors_LDADD = $(TEST_LDADD)
# (tests/data, with esdk-dafny/ and esdk-js/, is distributed above)
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

# ==== FLE: CloudFront field-level encryption (crypto/fle_*) and `seckit fle`
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

# ==== S3 client-side envelope encryption formats (crypto/s3cse_*) and the
# KMS keyring glue (src/aws/s3cse_kms.c)
UNIT_TESTS += tests/unit/test_s3cse
check_PROGRAMS += tests/unit/test_s3cse
tests_unit_test_s3cse_SOURCES = tests/unit/test_s3cse.c
tests_unit_test_s3cse_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_s3cse_LDADD = $(TEST_LDADD)
# (tests/data/s3cse holds the test RSA keys; tests/data is distributed above)

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

# ==== src/aws/: AWS API calls, and `seckit aws`
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
noinst_HEADERS += tests/aws/mock.h tests/aws/mockctl.h tests/aws/awsenv.h
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

# ==== S3 object calls (seckit/s3.h), `seckit s3 ls|cp|rm|sync|mv`, and the
# integration tests against OpenStack Swift (s3api + tempauth) that
# tests/integration/swift-up.sh starts on 127.0.0.1 (packages: tests/deps/s3.apt).
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

# ==== S3 client-side encryption against a live S3 (seckit/s3cse_object.h):
# manifests, shards and completion reports, encrypted put/get/head/rewrap.
UNIT_TESTS += tests/unit/test_s3cse_manifest
check_PROGRAMS += tests/unit/test_s3cse_manifest
tests_unit_test_s3cse_manifest_SOURCES = tests/unit/test_s3cse_manifest.c
tests_unit_test_s3cse_manifest_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_s3cse_manifest_LDADD = $(TEST_LDADD)

# The online side of the command (cp with key options, head, rewrap) against
# Swift (with KMS on the mock).
SCRIPT_TESTS += tests/integration/test-s3cse.sh
EXTRA_DIST += tests/integration/test-s3cse.sh

# ==== policy/: the linter and `seckit policy lint|data`
# Tests: the JSON parser, the snapshot loader, one triggering and one
# near-miss fixture per check (tests/data/policy/checks/manifest.txt), the
# seed's policies with their expected findings, positions, reports.
UNIT_TESTS += tests/unit/test_policy_lint
check_PROGRAMS += tests/unit/test_policy_lint
tests_unit_test_policy_lint_SOURCES = tests/unit/test_policy_lint.c
tests_unit_test_policy_lint_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_policy_lint_LDADD = $(TEST_LDADD)
SCRIPT_TESTS += tests/cli/test-policy.sh tests/cli/test-policy-precision.sh tests/cli/test-policy-misses.sh \
	tests/cli/test-policy-shared.sh \
	tests/cli/test-policy-ci.sh

# ==== policy/inputs: the IAM policies inside input files (bare policies, AWS
# CLI outputs, CloudFormation JSON/YAML, Terraform plan JSON)
# Unit tests: detection and extraction of every input kind, positions,
# malformed inputs (truncations and bit flips included).
UNIT_TESTS += tests/unit/test_policy_inputs
check_PROGRAMS += tests/unit/test_policy_inputs
tests_unit_test_policy_inputs_SOURCES = tests/unit/test_policy_inputs.c
tests_unit_test_policy_inputs_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_policy_inputs_LDADD = $(TEST_LDADD)

# Parliament's unit-test policies with expected findings (MANIFEST).
UNIT_TESTS += tests/unit/test_policy_parliament
check_PROGRAMS += tests/unit/test_policy_parliament
tests_unit_test_policy_parliament_SOURCES = tests/unit/test_policy_parliament.c
tests_unit_test_policy_parliament_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_policy_parliament_LDADD = $(TEST_LDADD)

EXTRA_DIST += tests/data/policy tests/bench/bench-policy.sh tests/bench/cjson_parse.c

# Fuzz target: input reader + linter + reports (corpus tests/fuzz/corpus/policy).
FUZZ_TARGETS += tests/fuzz/fuzz_policy
FUZZ_REPLAYERS += tests/fuzz/replay_policy
check_PROGRAMS += tests/fuzz/replay_policy
tests_fuzz_replay_policy_SOURCES = tests/fuzz/fuzz_policy.c tests/fuzz/replay.c
tests_fuzz_replay_policy_CFLAGS = $(TEST_CFLAGS)
tests_fuzz_replay_policy_LDADD = $(TEST_LDADD)
if FUZZING
tests_fuzz_fuzz_policy_SOURCES = tests/fuzz/fuzz_policy.c
tests_fuzz_fuzz_policy_CFLAGS = $(TEST_CFLAGS)
tests_fuzz_fuzz_policy_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_policy_LDADD = $(TEST_LDADD)
endif

# ==== policy/: the typed policy model and the evaluator (seckit policy eval)
# Tests: IAM User Guide evaluation cases (unit), the command (script), the
# differential test against @cloud-copilot/iam-simulate (an outside oracle,
# installed by the test from tests/interop/package.json).
check_PROGRAMS += tests/interop/policy_eval_cases
tests_interop_policy_eval_cases_SOURCES = tests/interop/policy_eval_cases.c
tests_interop_policy_eval_cases_CFLAGS = $(TEST_CFLAGS)
tests_interop_policy_eval_cases_LDADD = $(TEST_LDADD)
UNIT_TESTS += tests/unit/test_policy_eval
check_PROGRAMS += tests/unit/test_policy_eval
tests_unit_test_policy_eval_SOURCES = tests/unit/test_policy_eval.c
tests_unit_test_policy_eval_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_policy_eval_LDADD = $(TEST_LDADD)
SCRIPT_TESTS += tests/cli/test-policy-eval.sh tests/cli/test-policy-eval-interop.sh
EXTRA_DIST += tests/interop/policy-eval-diff.js tests/bench/bench-policy-eval.sh

# Fuzz target: the policy compiler and evaluator (corpus tests/fuzz/corpus/policy_eval,
# distributed with tests/fuzz/corpus; tests/data/policy/eval and docs/ likewise).
FUZZ_TARGETS += tests/fuzz/fuzz_policy_eval
FUZZ_REPLAYERS += tests/fuzz/replay_policy_eval
check_PROGRAMS += tests/fuzz/replay_policy_eval
tests_fuzz_replay_policy_eval_SOURCES = tests/fuzz/fuzz_policy_eval.c tests/fuzz/replay.c
tests_fuzz_replay_policy_eval_CFLAGS = $(TEST_CFLAGS)
tests_fuzz_replay_policy_eval_LDADD = $(TEST_LDADD)
if FUZZING
tests_fuzz_fuzz_policy_eval_SOURCES = tests/fuzz/fuzz_policy_eval.c
tests_fuzz_fuzz_policy_eval_CFLAGS = $(TEST_CFLAGS)
tests_fuzz_fuzz_policy_eval_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_policy_eval_LDADD = $(TEST_LDADD)
endif

# ==== policy/emrfs: EMRFS role mappings (seckit emrfs)
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

# src/cli/: the seckit command, a thin user of the public API.  Every file of
# the command is listed here (and only here).
bin_PROGRAMS += seckit
seckit_SOURCES = \
	src/cli/main.c \
	src/cli/cli.c \
	src/cli/keyspec.c \
	src/cli/cmd_keygen.c \
	src/cli/cmd_aws.c \
	src/cli/cmd_esdk.c \
	src/cli/cmd_fle.c \
	src/cli/fle_encrypt.c \
	src/cli/fle_decrypt.c \
	src/cli/fle_decrypt_lines.c \
	src/cli/fle_check_config.c \
	src/cli/fle_push.c \
	src/cli/cmd_s3.c \
	src/cli/s3_ls.c \
	src/cli/s3_rm.c \
	src/cli/s3_cp.c \
	src/cli/s3_transfer.c \
	src/cli/s3cse_opts.c \
	src/cli/cmd_s3cse.c \
	src/cli/s3cse_online.c \
	src/cli/cmd_policy.c \
	src/cli/policy_lint.c \
	src/cli/cmd_policy_eval.c \
	src/cli/cmd_emrfs.c
noinst_HEADERS += \
	src/cli/cli.h \
	src/cli/cmd_fle.h \
	src/cli/cmd_s3.h \
	src/cli/keyspec.h \
	src/cli/s3_transfer.h \
	src/cli/s3cse_opts.h \
	src/cli/cmd_s3cse.h \
	src/cli/s3cse_online.h \
	src/cli/cmd_policy.h
seckit_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS)
# Where policy lint finds docs/checks.md and the IAM data, installed or in the source tree.
seckit_CFLAGS += -DSECKIT_DOCDIR='"$(docdir)"' -DSECKIT_PKGDATADIR='"$(pkgdatadir)"' -DSECKIT_SRCDIR_DATA='"$(abs_top_srcdir)/policy/data"'
seckit_LDADD = libseckit.la $(CJSON_LIBS)

# seckit s3 encrypt|decrypt against the Ruby client's objects in
# tests/data/s3cse-ruby (no Ruby or server needed), and the live interop
# with the Ruby client on the local Swift server (skips without Ruby).
SCRIPT_TESTS += tests/cli/test-s3cse-offline.sh tests/cli/test-s3cse-flips.sh tests/cli/test-s3cse-kms.sh tests/integration/test-s3cse-ruby.sh
EXTRA_DIST += tests/integration/test-s3cse-ruby.sh tests/interop/s3cse \
	tests/deps/s3cse-ruby.apt tests/bench/bench-s3cse-ruby.sh

# Standard input: one reader, one limit policy (tests/cli/test-stdin.sh).
SCRIPT_TESTS += tests/cli/test-stdin.sh

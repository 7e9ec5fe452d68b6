# S3 client-side encryption in the command: the shared key/envelope options
# (src/cli/s3cse_opts.c, used by every `seckit s3` command that encrypts or
# decrypts) and the offline `seckit s3 encrypt|decrypt`; their tests and the
# interop checks with the AWS S3 Encryption Client for Ruby.
seckit_SOURCES += src/cli/s3cse_opts.c
noinst_HEADERS += src/cli/s3cse_opts.h
seckit_SOURCES += src/cli/cmd_s3cse.c
noinst_HEADERS += src/cli/cmd_s3cse.h

# seckit s3 encrypt|decrypt against the Ruby client's objects in
# tests/data/s3cse-ruby (no Ruby or server needed), and the live interop
# with the Ruby client on the local Swift server (skips without Ruby).
SCRIPT_TESTS += tests/cli/test-s3cse-offline.sh tests/cli/test-s3cse-flips.sh tests/cli/test-s3cse-kms.sh tests/integration/test-s3cse-ruby.sh
EXTRA_DIST += tests/integration/test-s3cse-ruby.sh tests/interop/s3cse \
	tests/deps/s3cse-ruby.apt tests/bench/bench-s3cse-ruby.sh

# S3 client-side encryption in the command: the shared key/envelope options
# (src/cli/s3cse_opts.c, used by every `seckit s3` command that encrypts or
# decrypts) and the offline `seckit s3 encrypt|decrypt`; their tests and the
# interop checks with the AWS S3 Encryption Client for Ruby.
seckit_SOURCES += src/cli/s3cse_opts.c
noinst_HEADERS += src/cli/s3cse_opts.h

# crypto/: pure formats and crypto (OpenSSL and libsodium; cJSON for the JSON
# documents it reads and writes): key generation, the AWS Encryption SDK
# message format and keyrings (esdk_*), CloudFront field-level encryption
# (fle_*), S3 client-side encryption envelopes (s3cse_*; KMS through the
# callbacks src/aws/s3cse_kms.c supplies).  Its tests are in tests/tests.mk.
libseckit_internal_la_SOURCES += \
	crypto/keygen.c \
	crypto/rsa_key.c \
	crypto/deps.c \
	crypto/esdk_suites.c \
	crypto/esdk_crypto.c \
	crypto/esdk_context.c \
	crypto/esdk_header.c \
	crypto/esdk_keyring.c \
	crypto/esdk_keyring_raw.c \
	crypto/esdk_decrypt.c \
	crypto/esdk_encrypt.c \
	crypto/fle_form.c \
	crypto/fle_config.c \
	crypto/fle_crypt.c \
	crypto/s3cse_meta.c \
	crypto/s3cse_keyring.c \
	crypto/s3cse_crypt.c
noinst_HEADERS += \
	crypto/deps.h \
	crypto/rsa_key.h \
	crypto/esdk_internal.h \
	crypto/fle_internal.h \
	crypto/s3cse_internal.h
seckitinclude_HEADERS += \
	include/seckit/keys.h \
	include/seckit/esdk.h \
	include/seckit/fle.h \
	include/seckit/s3cse.h

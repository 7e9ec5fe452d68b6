# crypto/: pure formats and crypto (OpenSSL and libsodium live here only).
libseckit_internal_la_SOURCES += \
	crypto/keygen.c \
	crypto/rsa_key.c \
	crypto/deps.c
noinst_HEADERS += crypto/deps.h crypto/rsa_key.h
seckitinclude_HEADERS += \
	include/seckit/keys.h

# crypto/: pure formats and crypto (OpenSSL and libsodium live here only).
libseckit_internal_la_SOURCES += \
	crypto/buf.c \
	crypto/secmem.c \
	crypto/encoding.c \
	crypto/keygen.c \
	crypto/rsa_key.c \
	crypto/deps.c
noinst_HEADERS += crypto/buf.h crypto/secmem.h crypto/deps.h crypto/rsa_key.h
seckitinclude_HEADERS += \
	include/seckit/encoding.h \
	include/seckit/keys.h

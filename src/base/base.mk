# src/base: the bottom layer every other layer uses: the error model, the
# bounds-checked reader/writer, guarded and wiped memory, base64/hex, and the
# library-wide glue (version, dependency versions).
libseckit_internal_la_SOURCES += \
	src/base/error.c \
	src/base/buf.c \
	src/base/secmem.c \
	src/base/encoding.c \
	src/base/options.c \
	src/base/library.c
noinst_HEADERS += src/base/guard.h src/base/hex.h src/base/buf.h src/base/secmem.h \
	src/base/options.h
seckitinclude_HEADERS += \
	include/seckit/seckit.h \
	include/seckit/encoding.h \
	include/seckit/error.h \
	include/seckit/export.h \
	include/seckit/secret.h
# seckit/version.h is made by configure (version.h.in: the SECKIT_VERSION_*
# macros), so it is in the build tree.
nodist_seckitinclude_HEADERS += include/seckit/version.h


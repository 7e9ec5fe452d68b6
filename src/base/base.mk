# src/base: the error model (bottom layer, used by every other layer) and the
# library-wide glue (version, dependency versions).
libseckit_internal_la_SOURCES += \
	src/base/error.c \
	src/base/library.c
noinst_HEADERS += src/base/guard.h
seckitinclude_HEADERS += \
	include/seckit/seckit.h \
	include/seckit/error.h \
	include/seckit/version.h

# src/io: the library's file-system helpers (atomic writes, key files).
libseckit_internal_la_SOURCES += src/io/file.c
seckitinclude_HEADERS += include/seckit/file.h

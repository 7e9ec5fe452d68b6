# src/io/: the library's file-system helpers: atomic writes, whole-file
# reads, key-file permission checks, the FLE keys-folder loader.
libseckit_internal_la_SOURCES += \
	src/io/file.c \
	src/io/fle_keys_dir.c
seckitinclude_HEADERS += include/seckit/file.h

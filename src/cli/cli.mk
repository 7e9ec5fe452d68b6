# src/cli/: the seckit command, a thin user of the public API.
bin_PROGRAMS += seckit
seckit_SOURCES = \
	src/cli/main.c \
	src/cli/cli.c \
	src/cli/cmd_keygen.c
noinst_HEADERS += src/cli/cli.h
seckit_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS)
seckit_LDADD = libseckit.la $(CJSON_LIBS)

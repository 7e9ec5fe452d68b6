# src/aws/: thin AWS API calls over libcurl (libcurl lives here only).
libseckit_internal_la_SOURCES += src/aws/curl_version.c
noinst_HEADERS += src/aws/curl_version.h
seckitinclude_HEADERS += include/seckit/aws.h

# src/aws S3 client-side encryption against a live S3 (seckit/s3cse_object.h):
# manifests, shards and completion reports for `seckit s3 rewrap --manifest`,
# and (with the envelope library) encrypted put/get/head/rewrap.
libseckit_internal_la_SOURCES += src/aws/s3cse_manifest.c
seckitinclude_HEADERS += include/seckit/s3cse_object.h

UNIT_TESTS += tests/unit/test_s3cse_manifest
check_PROGRAMS += tests/unit/test_s3cse_manifest
tests_unit_test_s3cse_manifest_SOURCES = tests/unit/test_s3cse_manifest.c
tests_unit_test_s3cse_manifest_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_s3cse_manifest_LDADD = $(TEST_LDADD)

# The online side of the command (cp with key options, head, rewrap) and its
# integration test against Swift (with KMS on the mock).
libseckit_internal_la_SOURCES += src/aws/s3cse_object.c
SCRIPT_TESTS += tests/integration/test-s3cse.sh
EXTRA_DIST += tests/integration/test-s3cse.sh

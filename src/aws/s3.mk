# src/aws: see the comment in Makefile.am
# S3 object calls, `seckit s3 ls|cp|rm`, integration tests against OpenStack
# Swift (s3api + tempauth) started on 127.0.0.1 by tests/integration/swift-up.sh.
EXTRA_DIST += tests/integration/swift-up.sh tests/integration/swift-down.sh tests/deps/s3.apt

# esdk: AWS Encryption SDK message format and keyrings (crypto/esdk_*),
# the `seckit esdk` command, and their tests.
seckitinclude_HEADERS += include/seckit/esdk.h
noinst_HEADERS += src/cli/keyspec.h

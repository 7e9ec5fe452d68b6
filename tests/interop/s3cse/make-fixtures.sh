#!/bin/bash
# Regenerate tests/data/s3cse-ruby/: objects written by the AWS S3 Encryption
# Client for Ruby (EncryptionV2::Client, and the V1 Encryption::Client for the
# legacy ones) through a local Swift server, stored as the object body, its
# head-object output (meta.json) and its instruction file when it has one.
# The keys are test keys made for these fixtures only.
#
#   tests/interop/s3cse/make-fixtures.sh   (needs ruby-aws-sdk-s3 and Swift)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
out="$top/tests/data/s3cse-ruby"
rb="$here/s3cse-ruby.rb"
state=$(mktemp -d)
trap 'bash "$top/tests/integration/swift-down.sh" "$state/swift" >/dev/null 2>&1; rm -rf "$state"' EXIT
bash "$top/tests/integration/swift-up.sh" "$state/swift" >/dev/null
. "$state/swift/s3.env"
export AWS_ACCESS_KEY_ID="$S3_ACCESS_KEY" AWS_SECRET_ACCESS_KEY="$S3_SECRET_KEY" AWS_REGION="$S3_REGION" S3_ENDPOINT
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
mkdir -p "$out"
cd "$out"
[ -f aes256.key ] || head -c 32 /dev/urandom >aes256.key
[ -f aes128.key ] || head -c 16 /dev/urandom >aes128.key
[ -f rsa2048.pem ] || openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa2048.pem 2>/dev/null
chmod 600 aes256.key aes128.key rsa2048.pem
# The plaintext: 1000 bytes of text (not a multiple of 16)
[ -f plaintext.txt ] || { for i in $(seq 1 40); do printf 'line %02d of the s3cse Ruby fixture\n' "$i"; done | head -c 1000 >plaintext.txt; }
: >empty.txt
B=fixtures
ruby "$rb" mb --bucket $B
make() {  # NAME PLAINTEXT RUBY-OPTIONS...
    local name=$1 pt=$2
    shift 2
    ruby "$rb" put --bucket $B --key "$name" --in "$pt" "$@"
    ruby "$rb" get-plain --bucket $B --key "$name" --out "$name.body"
    ruby "$rb" head --bucket $B --key "$name" --out "$name.meta.json"
    case " $* " in *" --instruction-file "*)
        ruby "$rb" get-plain --bucket $B --key "$name.instruction" --out "$name.instruction" ;;
    esac
}
make v2-aes256-gcm plaintext.txt --aes-key aes256.key
make v2-aes128-gcm plaintext.txt --aes-key aes128.key --matdesc '{"kid":"aes128"}'
make v2-aes256-gcm-empty empty.txt --aes-key aes256.key
make v2-rsa-oaep-sha1 plaintext.txt --rsa-key rsa2048.pem --matdesc '{"kid":"rsa2048"}'
make v2-aes256-gcm-instr plaintext.txt --aes-key aes256.key --instruction-file
make v2-rsa-oaep-sha1-instr plaintext.txt --rsa-key rsa2048.pem --instruction-file
make v1-aes256-cbc plaintext.txt --aes-key aes256.key --v1
make v1-rsa-cbc plaintext.txt --rsa-key rsa2048.pem --v1
make v1-aes256-cbc-instr plaintext.txt --aes-key aes256.key --v1 --instruction-file
echo "fixtures written to $out"

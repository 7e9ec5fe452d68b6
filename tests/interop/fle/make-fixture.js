// Makes the FLE-shaped fixture tests/unit/test_fle_crypt.c decrypts: a form
// body whose fields were encrypted by the AWS Encryption SDK for JavaScript
// the way CloudFront FLE does (raw RSA keyring, OAEP-SHA256 with MGF1-SHA256,
// provider id "FLEDemo", key name "DemoPublicKey", empty encryption context,
// framed with 4096-byte frames, base64, percent-encoded).
//   Phone: suite 0x0178 (what CloudFront writes)
//   Email: suite 0x0378 (the ESDK's non-committing default, ECDSA P-384)
//   Card:  suite 0x0478 (committing)
// Usage: NODE_PATH=.../node_modules node make-fixture.js fle-public.pem
// (needs @aws-crypto/client-node; the output is committed so that the test
// runs without npm).
'use strict';
const fs = require('fs');
const {
  buildClient, CommitmentPolicy, RawRsaKeyringNode, AlgorithmSuiteIdentifier,
} = require('@aws-crypto/client-node');

async function main() {
  const publicKey = fs.readFileSync(process.argv[2], 'utf8');
  const keyring = new RawRsaKeyringNode({
    keyName: 'DemoPublicKey', keyNamespace: 'FLEDemo', rsaKey: { publicKey }, oaepHash: 'sha256',
  });
  const forbid = buildClient(CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT);
  const require_ = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT);
  const S = AlgorithmSuiteIdentifier;
  const field = async (client, suiteId, text) => {
    const { result } = await client.encrypt(keyring, text, { suiteId, encryptionContext: {} });
    return encodeURIComponent(result.toString('base64'));
  };
  const phone = await field(forbid, S.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA256, '404-555-0150');
  const email = await field(forbid, S.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384,
    'jane@example.com');
  const card = await field(require_, S.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY,
    '4111 1111 1111 1111');
  process.stdout.write(`Name=Jane+Doe&Phone=${phone}&Email=${email}&Card=${card}\n`);
}
main().catch((e) => { console.error(e); process.exit(1); });

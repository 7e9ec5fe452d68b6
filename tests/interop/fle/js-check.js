// Live FLE interop with the AWS Encryption SDK for JavaScript:
//   node js-check.js decrypt PRIVATE.pem VALUE_FILE
//     decrypts one base64 FLE value made by seckit and prints
//     "<plaintext> <suite id> <context keys> <provider id>/<key name>";
//   node js-check.js encrypt PUBLIC.pem TEXT
//     prints a fresh FLE value for TEXT made as CloudFront does (0x0178,
//     empty context, RSA-OAEP-SHA256, provider FLEDemo, key DemoPublicKey).
'use strict';
const fs = require('fs');
const {
  buildClient, CommitmentPolicy, RawRsaKeyringNode, AlgorithmSuiteIdentifier,
} = require('@aws-crypto/client-node');

async function main() {
  const [mode, keyFile, arg] = process.argv.slice(2);
  const pem = fs.readFileSync(keyFile, 'utf8');
  const rsaKey = mode === 'decrypt' ? { privateKey: pem } : { publicKey: pem };
  const keyring = new RawRsaKeyringNode({
    keyName: 'DemoPublicKey', keyNamespace: 'FLEDemo', rsaKey, oaepHash: 'sha256',
  });
  if (mode === 'decrypt') {
    const { decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT);
    const value = fs.readFileSync(arg, 'utf8').trim();
    const { plaintext, messageHeader: h } = await decrypt(keyring, Buffer.from(value, 'base64'));
    const edk = h.encryptedDataKeys[0];
    process.stdout.write(`${plaintext.toString()} ${h.suiteId} ${Object.keys(h.encryptionContext).length}` +
      ` ${edk.providerId}/${edk.providerInfo} ${h.encryptedDataKeys.length} ${h.frameLength}\n`);
  } else {
    const { encrypt } = buildClient(CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT);
    const { result } = await encrypt(keyring, arg, {
      suiteId: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA256, encryptionContext: {},
    });
    process.stdout.write(`${result.toString('base64')}\n`);
  }
}
main().catch((e) => { console.error(e.message); process.exit(1); });

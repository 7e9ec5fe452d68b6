// Decrypt rate of the AWS Encryption SDK for JavaScript on FLE values (one
// base64 value per line of argv[3]), with the raw RSA keyring CloudFront's
// values need (OAEP-SHA256, provider FLEDemo, key DemoPublicKey).
// Prints: "<messages> <wall seconds> <cpu seconds>".
'use strict';
const fs = require('fs');
const { buildClient, CommitmentPolicy, RawRsaKeyringNode } = require('@aws-crypto/client-node');

async function main() {
  const privateKey = fs.readFileSync(process.argv[2], 'utf8');
  const values = fs.readFileSync(process.argv[3], 'utf8').split('\n').filter((l) => l.length > 0);
  const n = parseInt(process.argv[4], 10);
  const keyring = new RawRsaKeyringNode({
    keyName: 'DemoPublicKey', keyNamespace: 'FLEDemo', rsaKey: { privateKey }, oaepHash: 'sha256',
  });
  const { decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT);
  const buffers = values.map((v) => Buffer.from(v, 'base64'));
  await decrypt(keyring, buffers[0]); // warm up
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const { plaintext } = await decrypt(keyring, buffers[i % buffers.length]);
    if (plaintext.length === 0) throw new Error('empty plaintext');
  }
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(`${n} ${wall} ${(cpu.user + cpu.system) / 1e6}\n`);
}
main().catch((e) => { console.error(e); process.exit(1); });

// Interop with the AWS Encryption SDK for JavaScript (@aws-crypto/client-node,
// pinned in package.json).  Used by tests/cli/test-esdk-interop.sh.
//
//   node esdk-interop.js encrypt OUTDIR KEYDIR [full|small]
//       JS encrypts messages for every suite, raw RSA (every padding) and raw
//       AES (128/192/256) keyring and several frame lengths; writes
//       OUTDIR/NAME.esdk, OUTDIR/pt-LEN plaintexts and OUTDIR/manifest.txt
//       (one line per message: FILE KIND PADDING POLICY CONTEXT PLAINTEXT).
//   node esdk-interop.js decrypt DIR KEYDIR
//       JS decrypts every message listed in DIR/manifest.txt (made by
//       seckit) and compares it with its plaintext.
//
// KEYDIR holds rsa.pem (PKCS#8), rsa.pub (SPKI), aes128.key, aes192.key and
// aes256.key (raw bytes).
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const {
  buildClient, CommitmentPolicy, RawRsaKeyringNode, RawAesKeyringNode,
  RawAesWrappingSuiteIdentifier, AlgorithmSuiteIdentifier,
} = require('@aws-crypto/client-node');

const SUITES = [0x0014, 0x0046, 0x0078, 0x0114, 0x0146, 0x0178, 0x0214, 0x0346, 0x0378,
  0x0478, 0x0578];
const KINDS = ['rsa:pkcs1', 'rsa:oaep-sha1', 'rsa:oaep-sha256', 'rsa:oaep-sha384',
  'rsa:oaep-sha512', 'aes128:-', 'aes192:-', 'aes256:-'];
const RSA_NS = 'seckit-interop-rsa';
const RSA_NAME = 'rsa-2048';
const AES_NS = 'seckit-interop-aes';

function keyring(keydir, kind, padding) {
  if (kind === 'rsa') {
    const rsaKey = {
      privateKey: fs.readFileSync(path.join(keydir, 'rsa.pem'), 'utf8'),
      publicKey: fs.readFileSync(path.join(keydir, 'rsa.pub'), 'utf8'),
    };
    const opts = { keyName: RSA_NAME, keyNamespace: RSA_NS, rsaKey };
    if (padding === 'pkcs1') {
      opts.padding = crypto.constants.RSA_PKCS1_PADDING;
    } else {
      opts.padding = crypto.constants.RSA_PKCS1_OAEP_PADDING;
      opts.oaepHash = padding.replace('oaep-', '');
    }
    return new RawRsaKeyringNode(opts);
  }
  const bits = kind.replace('aes', '');
  const wrappingSuite = {
    128: RawAesWrappingSuiteIdentifier.AES128_GCM_IV12_TAG16_NO_PADDING,
    192: RawAesWrappingSuiteIdentifier.AES192_GCM_IV12_TAG16_NO_PADDING,
    256: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
  }[bits];
  return new RawAesKeyringNode({
    keyName: `aes-${bits}`,
    keyNamespace: AES_NS,
    unencryptedMasterKey: new Uint8Array(fs.readFileSync(path.join(keydir, `${kind}.key`))),
    wrappingSuite,
  });
}

function plaintext(len) {
  const b = Buffer.alloc(len);
  for (let i = 0; i < len; i++) b[i] = (i * 31 + 7) & 0xff;
  return b;
}

const commits = (s) => s === 0x0478 || s === 0x0578;

async function encryptAll(outdir, keydir, mode) {
  fs.mkdirSync(outdir, { recursive: true });
  const forbid = buildClient(CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT);
  const require_ = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT);
  const lines = [];
  let n = 0;
  const frames = mode === 'small' ? [0] : [1, 512, 4096];
  for (const suite of SUITES) {
    for (const kd of KINDS) {
      const [kind, padding] = kd.split(':');
      for (let fi = 0; fi < frames.length; fi++) {
        // small: one frame length and size per message, varied round-robin.
        const frameLength = mode === 'small' ? [1, 512, 4096][n % 3] : frames[fi];
        let len = mode === 'small' ? [0, 13, 1500][Math.floor(n / 3) % 3] : 3000;
        if (frameLength === 1) len = Math.min(len, 50);
        const ctx = n % 2 === 0 ? { purpose: 'interop', n: String(n) } : {};
        const pt = plaintext(len);
        const client = commits(suite) ? require_ : forbid;
        const { result } = await client.encrypt(keyring(keydir, kind, padding), pt, {
          suiteId: suite, frameLength, encryptionContext: ctx,
        });
        const name = `js-${suite.toString(16).padStart(4, '0')}-${kind}-${padding}-f${frameLength}-${n}.esdk`;
        fs.writeFileSync(path.join(outdir, name), result);
        const ptName = `pt-${len}`;
        fs.writeFileSync(path.join(outdir, ptName), pt);
        const ctxArg = Object.keys(ctx).length ? `purpose=interop` : '-';
        lines.push(`${name} ${kind} ${padding} require-encrypt-allow-decrypt ${ctxArg} ${ptName}`);
        n++;
      }
    }
  }
  fs.writeFileSync(path.join(outdir, 'manifest.txt'), `${lines.join('\n')}\n`);
  console.log(`encrypted ${n} messages`);
}

async function decryptAll(dir, keydir) {
  const client = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT);
  const lines = fs.readFileSync(path.join(dir, 'manifest.txt'), 'utf8').split('\n').filter(Boolean);
  let ok = 0;
  let bad = 0;
  for (const line of lines) {
    const [file, kind, padding, , ctx, ptName] = line.split(' ');
    try {
      const ct = fs.readFileSync(path.join(dir, file));
      const { plaintext: pt, messageHeader } = await client.decrypt(keyring(keydir, kind, padding), ct);
      const want = fs.readFileSync(path.join(dir, ptName));
      if (!Buffer.from(pt).equals(want)) throw new Error('plaintext differs');
      if (ctx !== '-') {
        const [k, v] = ctx.split('=');
        if (messageHeader.encryptionContext[k] !== v) throw new Error('encryption context differs');
      }
      ok++;
    } catch (e) {
      bad++;
      console.log(`FAIL ${file}: ${e.message}`);
    }
  }
  console.log(`decrypted ${ok} messages, ${bad} failed`);
  process.exit(bad === 0 ? 0 : 1);
}

const [cmd, dir, keydir, mode] = process.argv.slice(2);
const run = cmd === 'encrypt' ? encryptAll(dir, keydir, mode || 'full')
  : cmd === 'decrypt' ? decryptAll(dir, keydir) : Promise.reject(new Error('usage'));
run.catch((e) => { console.error(e.stack || String(e)); process.exit(2); });

// Differential testing of `seckit policy eval`'s evaluator against
// @cloud-copilot/iam-simulate, used only as an outside oracle at test time
// (it is AGPL-3.0: nothing of its code or fixtures is copied here).
//
//   node policy-eval-diff.js gen SEED COUNT > cases.jsonl
//       deterministic random policies and requests (our own generator)
//   node policy-eval-diff.js oracle MODULE_DIR < cases.jsonl > decisions.txt
//       iam-simulate's decision for each case: allowed, explicitDeny,
//       implicitDeny, or "error ..." when it refuses the case
//   node policy-eval-diff.js bench MODULE_DIR N < cases.jsonl
//       decisions per second of iam-simulate over the cases, N rounds
//   node policy-eval-diff.js benchgen COUNT DIR
//       the benchmark's inputs (tests/bench/bench-policy-eval.sh): DIR/policy.json
//       (10 statements with conditions), DIR/requests.jsonl (COUNT requests
//       in SimulateCustomPolicy's shape, for seckit --requests) and
//       DIR/cases.jsonl (the same requests for the bench mode)
'use strict';

// ---- a small deterministic PRNG (xorshift32) ----
let state = 1;
function rnd() {
  state ^= state << 13; state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5; state >>>= 0;
  return state / 4294967296;
}
function pick(a) { return a[Math.floor(rnd() * a.length)]; }
function chance(p) { return rnd() < p; }
function some(a, max) {
  const n = 1 + Math.floor(rnd() * max);
  const out = [];
  for (let i = 0; i < n; i++) { const v = pick(a); if (!out.includes(v)) out.push(v); }
  return out.length === 1 && chance(0.5) ? out[0] : out;
}

const A = '111122223333', B = '444455556666';
const principals = [
  `arn:aws:iam::${A}:user/alice`,
  `arn:aws:sts::${A}:assumed-role/Dev/s1`,
  `arn:aws:iam::${B}:user/bob`,
  `arn:aws:sts::${B}:assumed-role/Ops/s2`,
];
const requests = [
  ['s3:GetObject', 'arn:aws:s3:::bucket-a/x/y.txt'],
  ['s3:GetObject', 'arn:aws:s3:::bucket-a/alice/z'],
  ['s3:PutObject', 'arn:aws:s3:::bucket-b/k'],
  ['s3:DeleteObject', 'arn:aws:s3:::bucket-a/x/y.txt'],
  ['s3:ListBucket', 'arn:aws:s3:::bucket-a'],
  ['ec2:DescribeInstances', '*'],
];
const actionPats = ['s3:GetObject', 's3:Get*', 's3:*', '*', 's3:Put*', 's3:List*', 's3:*Object', 's3:?etObject',
  'ec2:Describe*', 'S3:getobject'];
const resourcePats = ['*', 'arn:aws:s3:::bucket-a/*', 'arn:aws:s3:::bucket-a', 'arn:aws:s3:::bucket-*/*',
  'arn:aws:s3:::*/x/*', 'arn:aws:s3:::bucket-a/${aws:username}/*', 'arn:aws:s3:::bucket-b/*',
  'arn:aws:s3:::bucket-?/*', 'arn:aws:s3:::BUCKET-A/*'];
// condition key, its context type, operators, policy values, request values
const keys = [
  ['aws:SourceIp', 'ip', ['IpAddress', 'NotIpAddress'], ['10.0.0.0/8', '192.168.1.0/24', '2001:db8::/32', '203.0.113.7'],
    // no IPv6 request address: iam-simulate finds an IPv6 address not "not
    // in" an IPv4 network (docs/policy-eval-divergences.md)
    ['10.1.2.3', '192.168.1.77', '198.51.100.1', '203.0.113.7']],
  ['aws:MultiFactorAuthPresent', 'boolean', ['Bool'], ['true', 'false'], ['true', 'false']],
  ['aws:SecureTransport', 'boolean', ['Bool'], ['true', 'false'], ['true', 'false']],
  ['aws:MultiFactorAuthAge', 'numeric', ['NumericLessThan', 'NumericGreaterThanEquals', 'NumericEquals',
    'NumericNotEquals', 'NumericLessThanEquals', 'NumericGreaterThan'], ['300', '3600', '0'], ['100', '300', '7200']],
  ['aws:CurrentTime', 'date', ['DateLessThan', 'DateGreaterThan', 'DateEquals', 'DateNotEquals',
    'DateGreaterThanEquals', 'DateLessThanEquals'],
    ['2026-01-01T00:00:00Z', '2025-06-30T12:00:00Z', '2030-01-01'], ['2026-03-01T10:00:00Z', '2025-06-30T12:00:00Z', '2024-01-01T00:00:00Z']],
  ['aws:PrincipalTag/team', 'string', ['StringEquals', 'StringNotEquals', 'StringLike', 'StringNotLike',
    'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase'], ['eng', 'ops', 'e*', 'ENG', '${aws:username}'],
    ['eng', 'ops', 'Eng', 'alice']],
  ['aws:RequestedRegion', 'string', ['StringEquals', 'StringNotEquals', 'StringLike'], ['us-east-1', 'eu-*', 'us-?est-2'],
    ['us-east-1', 'eu-west-1', 'us-west-2']],
  ['aws:SourceArn', 'string', ['ArnLike', 'ArnEquals', 'ArnNotLike', 'ArnNotEquals'],
    ['arn:aws:sns:us-east-1:111122223333:topic-*', 'arn:aws:sns:*:*:topic-a', 'arn:aws:sqs:us-east-1:111122223333:q'],
    ['arn:aws:sns:us-east-1:111122223333:topic-a', 'arn:aws:sqs:us-east-1:111122223333:q']],
  ['aws:TagKeys', 'stringList', ['ForAnyValue:StringEquals', 'ForAllValues:StringEquals', 'ForAnyValue:StringLike',
    'ForAllValues:StringNotEquals', 'ForAnyValue:StringNotLike'], ['env', 'team', 'cost*'],
    ['env', 'team', 'costcenter', 'owner']],
];

function condition() {
  const c = {};
  const n = 1 + Math.floor(rnd() * 2);
  for (let i = 0; i < n; i++) {
    const [key, , ops, pvals] = pick(keys);
    let op = pick(ops);
    if (chance(0.2) && !op.startsWith('Bool')) op += 'IfExists';
    if (chance(0.1)) { c.Null = c.Null || {}; c.Null[key] = pick(['true', 'false']); continue; }
    c[op] = c[op] || {};
    c[op][key] = some(noVars(pvals), 2);
  }
  return c;
}

let caller = '';
const isUser = () => caller.includes(':user/');
// ${aws:username} only for IAM users, who always have the key: what an
// unresolvable variable does is not compared (docs/policy-eval-divergences.md)
const noVars = (a) => (isUser() ? a : a.filter((v) => !v.includes('${')));

function statement(kind) {
  const s = {};
  if (chance(0.3)) s.Sid = 'S' + Math.floor(rnd() * 1000);
  // RCPs hold only Deny statements (RCPFullAWSAccess is the implicit allow)
  s.Effect = kind === 'rcp' || chance(kind === 'scp' ? 0.15 : 0.2) ? 'Deny' : 'Allow';
  if (kind === 'resource' || kind === 'rcp') {
    if (kind === 'rcp') s.Principal = '*';
    // no NotPrincipal: iam-simulate does not always find the caller it
    // names (docs/policy-eval-divergences.md); the unit tests cover it
    else s.Principal = pick(['*', {AWS: A}, {AWS: `arn:aws:iam::${A}:root`}, {AWS: `arn:aws:iam::${A}:user/alice`},
      {AWS: `arn:aws:iam::${A}:role/Dev`}, {AWS: `arn:aws:sts::${A}:assumed-role/Dev/s1`}, {AWS: B},
      {AWS: `arn:aws:iam::${B}:user/bob`}, {AWS: [`arn:aws:iam::${B}:role/Ops`, A]}]);
  }
  const acts = kind === 'rcp' ? actionPats.filter((a) => a !== '*' && !a.startsWith('ec2')) : actionPats;
  if (kind !== 'rcp' && chance(0.1)) s.NotAction = some(acts, 2); else s.Action = some(acts, 3);
  if (kind !== 'rcp' && chance(0.1)) s.NotResource = some(noVars(resourcePats), 2);
  else s.Resource = some(noVars(resourcePats), 3);
  if (chance(s.Effect === 'Allow' ? 0.35 : 0.6)) s.Condition = condition();
  return s;
}

function policy(kind, max) {
  const n = 1 + Math.floor(rnd() * max);
  const st = [];
  for (let i = 0; i < n; i++) st.push(statement(kind));
  // always the current version: iam-simulate resolves variables in 2008-10-17
  // policies too (docs/policy-eval-divergences.md)
  return {Version: '2012-10-17', Statement: st};
}

function gen(seed, count) {
  state = (seed >>> 0) || 1;
  for (let i = 0; i < 10; i++) rnd();
  for (let i = 0; i < count; i++) {
    const principal = pick(principals);
    caller = principal;
    const [action, resource] = pick(requests);
    const c = {principal, action, resource, account: chance(0.7) ? A : B, identity: [], context: {}, types: {}};
    const ni = Math.floor(rnd() * 3.5);
    for (let k = 0; k < ni; k++) c.identity.push(policy('identity', 3));
    // a resource-based policy belongs to a resource: none for actions on "*"
    if (resource !== '*' && chance(0.35)) c.resourcePolicy = policy('resource', 3);
    if (chance(0.2)) c.boundary = policy('boundary', 2);
    if (chance(0.2)) c.scps = [policy('scp', 2)];
    if (chance(0.1)) c.rcps = [policy('rcp', 2)];
    if (principal.includes('assumed-role') && chance(0.2)) {
      c.session = policy('session', 2);
      // iam-simulate limits a grant to the session's own ARN by the session
      // policy; the IAM User Guide says it is not (docs/policy-eval-divergences.md)
      if (c.resourcePolicy && JSON.stringify(c.resourcePolicy).includes('assumed-role/')) delete c.session;
    }
    for (const [key, type, , , rvals] of keys) {
      if (!chance(0.5)) continue;
      if (type.endsWith('List')) {
        const n = Math.floor(rnd() * 3);
        const vs = [];
        for (let k = 0; k < n; k++) { const v = pick(rvals); if (!vs.includes(v)) vs.push(v); }
        c.context[key] = vs;
      } else {
        c.context[key] = pick(rvals);
      }
      c.types[key] = type;
    }
    // aws:username: present for IAM users (seckit derives it from the ARN,
    // iam-simulate does not), absent for role sessions
    if (isUser()) { c.context['aws:username'] = principal.split('/').pop(); c.types['aws:username'] = 'string'; }
    process.stdout.write(JSON.stringify(c) + '\n');
  }
}

function simulation(c) {
  const wrap = (p, i) => ({name: 'p' + i, policy: p});
  const s = {
    identityPolicies: c.identity.map(wrap),
    serviceControlPolicies: c.scps ? [{orgIdentifier: 'ou-1', policies: c.scps.map(wrap)}] : [],
    resourceControlPolicies: c.rcps ? [{orgIdentifier: 'ou-1', policies: c.rcps.map(wrap)}] : [],
    request: {principal: c.principal, action: c.action, resource: {resource: c.resource, accountId: c.account},
      contextVariables: c.context},
  };
  if (c.resourcePolicy) s.resourcePolicy = c.resourcePolicy;
  if (c.boundary) s.permissionBoundaryPolicies = [wrap(c.boundary, 'b')];
  if (c.session) s.sessionPolicy = c.session;
  return s;
}

const names = {Allowed: 'allowed', ExplicitlyDenied: 'explicitDeny', ImplicitlyDenied: 'implicitDeny'};

async function readCases() {
  const chunks = [];
  for await (const ch of process.stdin) chunks.push(ch);
  return Buffer.concat(chunks).toString('utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
}

async function oracle(dir) {
  const sim = require(require.resolve('@cloud-copilot/iam-simulate', {paths: [dir]}));
  const out = [];
  for (const c of await readCases()) {
    let r;
    try {
      r = await sim.runSimulation(simulation(c), {});
    } catch (e) {
      out.push('error ' + String(e.message || e).replace(/\s+/g, ' ').slice(0, 120));
      continue;
    }
    if (r.resultType === 'error') out.push('error ' + JSON.stringify(r.errors).slice(0, 160));
    else out.push(names[r.overallResult] || 'error ' + r.overallResult);
  }
  process.stdout.write(out.join('\n') + '\n');
}

async function bench(dir, rounds) {
  const sim = require(require.resolve('@cloud-copilot/iam-simulate', {paths: [dir]}));
  const cases = (await readCases()).map(simulation);
  let n = 0;
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++)
    for (const s of cases) { await sim.runSimulation(s, {}); n++; }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  process.stdout.write(`${(n / secs).toFixed(1)}\n`);
}

function benchgen(count, dir) {
  const fs = require('fs'), path = require('path');
  state = 12345;
  const pol = {Version: '2012-10-17', Statement: [
    {Sid: 'ReadHome', Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'],
      Resource: ['arn:aws:s3:::bucket-a', 'arn:aws:s3:::bucket-a/${aws:username}/*'],
      Condition: {Bool: {'aws:SecureTransport': 'true'}}},
    {Sid: 'WriteOffice', Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::bucket-a/*',
      Condition: {IpAddress: {'aws:SourceIp': ['10.0.0.0/8', '192.168.1.0/24']}}},
    {Sid: 'TeamShared', Effect: 'Allow', Action: 's3:Get*', Resource: 'arn:aws:s3:::bucket-b/*',
      Condition: {StringEquals: {'aws:PrincipalTag/team': ['eng', 'ops']}}},
    {Sid: 'RecentMfa', Effect: 'Allow', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::bucket-*/*',
      Condition: {NumericLessThan: {'aws:MultiFactorAuthAge': '3600'}}},
    {Sid: 'Window', Effect: 'Allow', Action: 's3:List*', Resource: '*',
      Condition: {DateGreaterThan: {'aws:CurrentTime': '2025-01-01T00:00:00Z'}, DateLessThan: {'aws:CurrentTime': '2027-01-01T00:00:00Z'}}},
    {Sid: 'Regions', Effect: 'Deny', NotAction: ['iam:*', 'sts:*'], Resource: '*',
      Condition: {StringNotLike: {'aws:RequestedRegion': ['eu-*', 'us-east-1']}}},
    {Sid: 'Tags', Effect: 'Allow', Action: 's3:PutObjectTagging', Resource: '*',
      Condition: {'ForAllValues:StringEquals': {'aws:TagKeys': ['env', 'team']}}},
    {Sid: 'NoPublic', Effect: 'Deny', Action: 's3:PutObject', Resource: '*',
      Condition: {StringEqualsIfExists: {'s3:x-amz-acl': ['public-read', 'public-read-write']}}},
    {Sid: 'SourceArn', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::logs/*',
      Condition: {ArnLike: {'aws:SourceArn': 'arn:aws:sns:*:111122223333:topic-*'}}},
    {Sid: 'NoSecretsWithoutMfa', Effect: 'Deny', Action: 's3:*', Resource: 'arn:aws:s3:::bucket-a/secret/*',
      Condition: {BoolIfExists: {'aws:MultiFactorAuthPresent': 'false'}}},
  ]};
  fs.writeFileSync(path.join(dir, 'policy.json'), JSON.stringify(pol, null, 2) + '\n');
  const acts = [['s3:GetObject', 'arn:aws:s3:::bucket-a/alice/k'], ['s3:GetObject', 'arn:aws:s3:::bucket-b/k'],
    ['s3:PutObject', 'arn:aws:s3:::bucket-a/x'], ['s3:DeleteObject', 'arn:aws:s3:::bucket-b/y'],
    ['s3:ListBucket', 'arn:aws:s3:::bucket-a'], ['s3:GetObject', 'arn:aws:s3:::logs/z'],
    ['s3:GetObject', 'arn:aws:s3:::bucket-a/secret/s']];
  const req = [], cases = [];
  for (let i = 0; i < count; i++) {
    const [action, resource] = pick(acts);
    const ctx = {'aws:username': 'alice', 'aws:SecureTransport': pick(['true', 'false']),
      'aws:SourceIp': pick(['10.1.2.3', '198.51.100.1', '192.168.1.9']), 'aws:PrincipalTag/team': pick(['eng', 'sales']),
      'aws:MultiFactorAuthAge': pick(['100', '7200']), 'aws:CurrentTime': pick(['2026-03-01T10:00:00Z', '2024-01-01T00:00:00Z']),
      'aws:RequestedRegion': pick(['us-east-1', 'eu-west-1', 'ap-south-1']), 'aws:MultiFactorAuthPresent': pick(['true', 'false'])};
    const types = {'aws:SecureTransport': 'boolean', 'aws:SourceIp': 'ip', 'aws:MultiFactorAuthAge': 'numeric',
      'aws:CurrentTime': 'date', 'aws:MultiFactorAuthPresent': 'boolean'};
    const principal = 'arn:aws:iam::111122223333:user/alice';
    req.push(JSON.stringify({CallerArn: principal, ActionNames: [action], ResourceArns: [resource],
      ResourceOwner: '111122223333', ContextEntries: Object.entries(ctx).map(([k, v]) =>
        ({ContextKeyName: k, ContextKeyValues: [v], ContextKeyType: types[k] || 'string'}))}));
    cases.push(JSON.stringify({principal, action, resource, account: '111122223333', identity: [pol], context: ctx, types}));
  }
  fs.writeFileSync(path.join(dir, 'requests.jsonl'), req.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'cases.jsonl'), cases.join('\n') + '\n');
}

const [mode, a1, a2] = process.argv.slice(2);
if (mode === 'gen') gen(Number(a1), Number(a2));
else if (mode === 'oracle') oracle(a1).catch((e) => { console.error(e); process.exit(3); });
else if (mode === 'benchgen') benchgen(Number(a1), a2);
else if (mode === 'bench') bench(a1, Number(a2 || 1)).catch((e) => { console.error(e); process.exit(3); });
else { console.error('usage: policy-eval-diff.js gen SEED COUNT | oracle DIR | bench DIR ROUNDS'); process.exit(2); }

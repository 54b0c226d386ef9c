/**
 * GB/T 4754-2017 国民经济行业分类 (Industrial classification for national
 * economic activities), the first two levels: 20 门类 (sections, A–T) and
 * 97 大类 (divisions, '01'–'97').
 */

export interface IndustryDivision {
  /** two digits, '01'–'97' */
  code: string;
  name: string;
  /** the section letter this division belongs to */
  section: string;
}

export interface IndustrySection {
  /** one letter, 'A'–'T' */
  code: string;
  name: string;
  divisions: IndustryDivision[];
}

/** [section code, section name, [division code, division name][]] */
const RAW: Array<[string, string, Array<[string, string]>]> = [
  [
    'A',
    '农、林、牧、渔业',
    [
      ['01', '农业'],
      ['02', '林业'],
      ['03', '畜牧业'],
      ['04', '渔业'],
      ['05', '农、林、牧、渔专业及辅助性活动'],
    ],
  ],
  [
    'B',
    '采矿业',
    [
      ['06', '煤炭开采和洗选业'],
      ['07', '石油和天然气开采业'],
      ['08', '黑色金属矿采选业'],
      ['09', '有色金属矿采选业'],
      ['10', '非金属矿采选业'],
      ['11', '开采专业及辅助性活动'],
      ['12', '其他采矿业'],
    ],
  ],
  [
    'C',
    '制造业',
    [
      ['13', '农副食品加工业'],
      ['14', '食品制造业'],
      ['15', '酒、饮料和精制茶制造业'],
      ['16', '烟草制品业'],
      ['17', '纺织业'],
      ['18', '纺织服装、服饰业'],
      ['19', '皮革、毛皮、羽毛及其制品和制鞋业'],
      ['20', '木材加工和木、竹、藤、棕、草制品业'],
      ['21', '家具制造业'],
      ['22', '造纸和纸制品业'],
      ['23', '印刷和记录媒介复制业'],
      ['24', '文教、工美、体育和娱乐用品制造业'],
      ['25', '石油、煤炭及其他燃料加工业'],
      ['26', '化学原料和化学制品制造业'],
      ['27', '医药制造业'],
      ['28', '化学纤维制造业'],
      ['29', '橡胶和塑料制品业'],
      ['30', '非金属矿物制品业'],
      ['31', '黑色金属冶炼和压延加工业'],
      ['32', '有色金属冶炼和压延加工业'],
      ['33', '金属制品业'],
      ['34', '通用设备制造业'],
      ['35', '专用设备制造业'],
      ['36', '汽车制造业'],
      ['37', '铁路、船舶、航空航天和其他运输设备制造业'],
      ['38', '电气机械和器材制造业'],
      ['39', '计算机、通信和其他电子设备制造业'],
      ['40', '仪器仪表制造业'],
      ['41', '其他制造业'],
      ['42', '废弃资源综合利用业'],
      ['43', '金属制品、机械和设备修理业'],
    ],
  ],
  [
    'D',
    '电力、热力、燃气及水生产和供应业',
    [
      ['44', '电力、热力生产和供应业'],
      ['45', '燃气生产和供应业'],
      ['46', '水的生产和供应业'],
    ],
  ],
  [
    'E',
    '建筑业',
    [
      ['47', '房屋建筑业'],
      ['48', '土木工程建筑业'],
      ['49', '建筑安装业'],
      ['50', '建筑装饰、装修和其他建筑业'],
    ],
  ],
  [
    'F',
    '批发和零售业',
    [
      ['51', '批发业'],
      ['52', '零售业'],
    ],
  ],
  [
    'G',
    '交通运输、仓储和邮政业',
    [
      ['53', '铁路运输业'],
      ['54', '道路运输业'],
      ['55', '水上运输业'],
      ['56', '航空运输业'],
      ['57', '管道运输业'],
      ['58', '多式联运和运输代理业'],
      ['59', '装卸搬运和仓储业'],
      ['60', '邮政业'],
    ],
  ],
  [
    'H',
    '住宿和餐饮业',
    [
      ['61', '住宿业'],
      ['62', '餐饮业'],
    ],
  ],
  [
    'I',
    '信息传输、软件和信息技术服务业',
    [
      ['63', '电信、广播电视和卫星传输服务'],
      ['64', '互联网和相关服务'],
      ['65', '软件和信息技术服务业'],
    ],
  ],
  [
    'J',
    '金融业',
    [
      ['66', '货币金融服务'],
      ['67', '资本市场服务'],
      ['68', '保险业'],
      ['69', '其他金融业'],
    ],
  ],
  ['K', '房地产业', [['70', '房地产业']]],
  [
    'L',
    '租赁和商务服务业',
    [
      ['71', '租赁业'],
      ['72', '商务服务业'],
    ],
  ],
  [
    'M',
    '科学研究和技术服务业',
    [
      ['73', '研究和试验发展'],
      ['74', '专业技术服务业'],
      ['75', '科技推广和应用服务业'],
    ],
  ],
  [
    'N',
    '水利、环境和公共设施管理业',
    [
      ['76', '水利管理业'],
      ['77', '生态保护和环境治理业'],
      ['78', '公共设施管理业'],
      ['79', '土地管理业'],
    ],
  ],
  [
    'O',
    '居民服务、修理和其他服务业',
    [
      ['80', '居民服务业'],
      ['81', '机动车、电子产品和日用产品修理业'],
      ['82', '其他服务业'],
    ],
  ],
  ['P', '教育', [['83', '教育']]],
  [
    'Q',
    '卫生和社会工作',
    [
      ['84', '卫生'],
      ['85', '社会工作'],
    ],
  ],
  [
    'R',
    '文化、体育和娱乐业',
    [
      ['86', '新闻和出版业'],
      ['87', '广播、电视、电影和录音制作业'],
      ['88', '文化艺术业'],
      ['89', '体育'],
      ['90', '娱乐业'],
    ],
  ],
  [
    'S',
    '公共管理、社会保障和社会组织',
    [
      ['91', '中国共产党机关'],
      ['92', '国家机构'],
      ['93', '人民政协、民主党派'],
      ['94', '社会保障'],
      ['95', '群众团体、社会团体和其他成员组织'],
      ['96', '基层群众自治组织及其他组织'],
    ],
  ],
  ['T', '国际组织', [['97', '国际组织']]],
];

/** All 20 sections with their divisions, in code order. */
export const INDUSTRY_SECTIONS: IndustrySection[] = RAW.map(
  ([code, name, divs]) => ({
    code,
    name,
    divisions: divs.map(([dc, dn]) => ({ code: dc, name: dn, section: code })),
  }),
);

const SECTION_BY_CODE = new Map<string, IndustrySection>(
  INDUSTRY_SECTIONS.map(s => [s.code, s]),
);
const DIVISION_BY_CODE = new Map<string, IndustryDivision>(
  INDUSTRY_SECTIONS.flatMap(s => s.divisions).map(d => [d.code, d]),
);

/** True for a two-digit division code '01'–'97'. */
export function isIndustryDivisionCode(code: string): boolean {
  return typeof code === 'string' && DIVISION_BY_CODE.has(code);
}

/** True for a section letter 'A'–'T' (uppercase). */
export function isIndustrySectionCode(code: string): boolean {
  return typeof code === 'string' && SECTION_BY_CODE.has(code);
}

export function industryDivision(code: string): IndustryDivision | undefined {
  return DIVISION_BY_CODE.get(code);
}

export function industrySection(code: string): IndustrySection | undefined {
  return SECTION_BY_CODE.get(code);
}

/**
 * The division codes a filter value stands for: a section letter gives all of
 * its divisions, a division gives itself, anything else gives [].
 */
export function industryDivisionCodesOf(sectionOrDivision: string): string[] {
  const section = SECTION_BY_CODE.get(sectionOrDivision);
  if (section) return section.divisions.map(d => d.code);
  if (DIVISION_BY_CODE.has(sectionOrDivision)) return [sectionOrDivision];
  return [];
}

/**
 * A display label: "制造业 / 计算机、通信和其他电子设备制造业" for a division,
 * the section name for a section, '' for an unknown code.
 */
export function industryLabel(code: string): string {
  const section = SECTION_BY_CODE.get(code);
  if (section) return section.name;
  const division = DIVISION_BY_CODE.get(code);
  if (!division) return '';
  return `${SECTION_BY_CODE.get(division.section)!.name} / ${division.name}`;
}

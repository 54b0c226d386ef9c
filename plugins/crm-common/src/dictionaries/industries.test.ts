import {
  INDUSTRY_SECTIONS,
  industryDivision,
  industryDivisionCodesOf,
  industryLabel,
  isIndustryDivisionCode,
  isIndustrySectionCode,
} from './industries';

describe('GB/T 4754-2017 industries', () => {
  const divisions = INDUSTRY_SECTIONS.flatMap(s => s.divisions);

  it('has the 20 sections A–T and the 97 divisions 01–97 in order', () => {
    expect(INDUSTRY_SECTIONS.map(s => s.code).join('')).toBe(
      'ABCDEFGHIJKLMNOPQRST',
    );
    expect(divisions).toHaveLength(97);
    expect(divisions.map(d => d.code)).toEqual(
      Array.from({ length: 97 }, (_, i) => String(i + 1).padStart(2, '0')),
    );
    for (const s of INDUSTRY_SECTIONS) {
      for (const d of s.divisions) expect(d.section).toBe(s.code);
    }
  });

  it('uses the official names', () => {
    expect(INDUSTRY_SECTIONS[0].name).toBe('农、林、牧、渔业');
    expect(INDUSTRY_SECTIONS.find(s => s.code === 'I')!.name).toBe(
      '信息传输、软件和信息技术服务业',
    );
    expect(industryDivision('65')!.name).toBe('软件和信息技术服务业');
    expect(industryDivision('96')!.name).toBe('基层群众自治组织及其他组织');
  });

  it("expands section 'C' to divisions 13..43", () => {
    const c = industryDivisionCodesOf('C');
    expect(c).toHaveLength(31);
    expect(c[0]).toBe('13');
    expect(c[c.length - 1]).toBe('43');
    expect(c).toContain('39');
    expect(industryDivision('39')!.section).toBe('C');
  });

  it('expands a division to itself and unknown codes to nothing', () => {
    expect(industryDivisionCodesOf('39')).toEqual(['39']);
    expect(industryDivisionCodesOf('98')).toEqual([]);
    expect(industryDivisionCodesOf('c')).toEqual([]);
    expect(industryDivisionCodesOf('')).toEqual([]);
  });

  it('recognises codes', () => {
    expect(isIndustryDivisionCode('01')).toBe(true);
    expect(isIndustryDivisionCode('1')).toBe(false);
    expect(isIndustryDivisionCode('00')).toBe(false);
    expect(isIndustryDivisionCode('C')).toBe(false);
    expect(isIndustrySectionCode('T')).toBe(true);
    expect(isIndustrySectionCode('U')).toBe(false);
    expect(isIndustrySectionCode('39')).toBe(false);
    expect(industryDivision('99')).toBeUndefined();
  });

  it('labels sections and divisions', () => {
    expect(industryLabel('39')).toBe(
      '制造业 / 计算机、通信和其他电子设备制造业',
    );
    expect(industryLabel('C')).toBe('制造业');
    expect(industryLabel('XX')).toBe('');
  });
});

import {
  REGION_TREE,
  isRegionCode,
  regionLabel,
  regionPath,
  regionPrefix,
} from './regions';

describe('GB/T 2260 regions', () => {
  it('has the 34 provincial-level divisions', () => {
    expect(REGION_TREE).toHaveLength(34);
    expect(REGION_TREE[0]).toMatchObject({ code: '110000', name: '北京市' });
  });

  it('resolves 310115 to 上海市 / 市辖区 / 浦东新区', () => {
    const path = regionPath('310115');
    expect(path.map(n => n.code)).toEqual(['310000', '310100', '310115']);
    expect(path.map(n => n.name)).toEqual(['上海市', '市辖区', '浦东新区']);
    expect(regionLabel('310115')).toBe('上海市 / 浦东新区');
    expect(regionLabel('310100')).toBe('上海市 / 市辖区');
    expect(regionLabel('310000')).toBe('上海市');
  });

  it('resolves 440305 to 广东省 / 深圳市 / 南山区', () => {
    expect(regionPath('440305').map(n => n.name)).toEqual([
      '广东省',
      '深圳市',
      '南山区',
    ]);
    expect(regionLabel('440305')).toBe('广东省 / 深圳市 / 南山区');
    expect(regionLabel('440300')).toBe('广东省 / 深圳市');
  });

  it('reaches every district of the municipalities', () => {
    for (const code of ['110105', '120116', '500101', '500229']) {
      expect(isRegionCode(code)).toBe(true);
      expect(regionPath(code)).toHaveLength(3);
    }
    expect(regionLabel('500229')).toBe('重庆市 / 城口县');
  });

  it('keeps codes unique and nested by prefix', () => {
    const seen = new Set<string>();
    const walk = (
      n: { code: string; children?: any[] },
      parentPrefix: string,
    ) => {
      expect(seen.has(n.code)).toBe(false);
      seen.add(n.code);
      expect(n.code).toMatch(/^\d{6}$/);
      expect(n.code.startsWith(parentPrefix)).toBe(true);
      n.children?.forEach(c => walk(c, regionPrefix(n.code)));
    };
    REGION_TREE.forEach(p => walk(p, ''));
    expect(seen.size).toBeGreaterThan(3000);
  });

  it('strips trailing 00 pairs for prefix filtering', () => {
    expect(regionPrefix('310000')).toBe('31');
    expect(regionPrefix('310100')).toBe('3101');
    expect(regionPrefix('310115')).toBe('310115');
    expect(regionPrefix('440300')).toBe('4403');
  });

  it('handles unknown codes', () => {
    expect(isRegionCode('999999')).toBe(false);
    expect(isRegionCode('31011')).toBe(false);
    expect(isRegionCode('')).toBe(false);
    expect(regionPath('999999')).toEqual([]);
    expect(regionLabel('999999')).toBe('');
  });
});

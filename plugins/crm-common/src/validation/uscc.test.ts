import { isValidUscc, makeUscc, normalizeUscc, usccCheckChar } from './uscc';

describe('unified social credit code (GB 32100-2015)', () => {
  it.each([
    '91350100M000100Y43',
    '91440300708461136T',
    '91310000132200821H',
    '9111000071093123XX',
  ])('accepts the published code %s', code => {
    expect(isValidUscc(code)).toBe(true);
  });

  it('computes the check character, mapping 31 to 0', () => {
    expect(usccCheckChar('91350100M000100Y4')).toBe('3');
    expect(usccCheckChar('91440300708461136')).toBe('T');
    // a body whose weighted sum is a multiple of 31 gives 31 - 0 = 31 → '0'
    expect(usccCheckChar('00000000000000000')).toBe('0');
  });

  it('rejects a code whose check character was altered', () => {
    expect(isValidUscc('91350100M000100Y44')).toBe(false);
    expect(isValidUscc('91440300708461136U')).toBe(false);
    // the frequently quoted 911100001000228963 does not satisfy the algorithm
    expect(isValidUscc('911100001000228963')).toBe(false);
  });

  it('rejects lowercase, illegal letters and wrong lengths', () => {
    expect(isValidUscc('91350100m000100y43')).toBe(false);
    // I, O, Z, S, V are not in the alphabet, wherever they appear
    for (const bad of ['I', 'O', 'Z', 'S', 'V']) {
      expect(isValidUscc(`91350100${bad}000100Y43`)).toBe(false);
    }
    expect(isValidUscc('91350100M000100Y4')).toBe(false);
    expect(isValidUscc('91350100M000100Y433')).toBe(false);
    expect(isValidUscc('')).toBe(false);
    expect(() => usccCheckChar('91350100M000100Y')).toThrow();
    expect(() => usccCheckChar('91350100I000100Y4')).toThrow();
  });

  it('normalises full-width, padded and lowercase input', () => {
    expect(normalizeUscc('  ９１３５０１００ｍ０００１００ｙ４３ ')).toBe(
      '91350100M000100Y43',
    );
    expect(isValidUscc(normalizeUscc(' 91350100m000100y43\t'))).toBe(true);
  });

  it('makes valid codes from a 17-character body', () => {
    const code = makeUscc('91310115MA1K4ABCD');
    expect(code).toHaveLength(18);
    expect(isValidUscc(code)).toBe(true);
    expect(code.slice(0, 17)).toBe('91310115MA1K4ABCD');
  });
});

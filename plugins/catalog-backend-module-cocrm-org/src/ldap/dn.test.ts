import { dnKey, isBelow, parseDn } from './dn';

describe('parseDn', () => {
  it('splits RDNs and attribute value pairs', () => {
    expect(parseDn('uid=zhaoqiang,ou=people,dc=cocrm,dc=test')).toEqual([
      [{ type: 'uid', value: 'zhaoqiang' }],
      [{ type: 'ou', value: 'people' }],
      [{ type: 'dc', value: 'cocrm' }],
      [{ type: 'dc', value: 'test' }],
    ]);
  });

  it('unescapes the spellings Active Directory and OpenLDAP use', () => {
    expect(parseDn('CN=Zhao\\, Qiang,OU=Sales,DC=corp')?.[0]).toEqual([
      { type: 'CN', value: 'Zhao, Qiang' },
    ]);
    expect(parseDn('cn=Zhao\\2C Qiang,ou=Sales')?.[0][0].value).toBe(
      'Zhao, Qiang',
    );
    // UTF-8 bytes as hex pairs: 赵强
    expect(parseDn('cn=\\E8\\B5\\B5\\E5\\BC\\BA,ou=x')?.[0][0].value).toBe(
      '赵强',
    );
    expect(parseDn('cn=赵强,ou=销售部')?.[1][0].value).toBe('销售部');
    expect(parseDn('cn=a\\+b+uid=ab,ou=x')?.[0]).toEqual([
      { type: 'cn', value: 'a+b' },
      { type: 'uid', value: 'ab' },
    ]);
  });

  it('ignores unescaped spaces around separators but keeps escaped ones', () => {
    expect(parseDn(' uid = zq , ou=people ')?.map(r => r[0].value)).toEqual([
      'zq',
      'people',
    ]);
    expect(parseDn('cn=x\\ ,ou=y')?.[0][0].value).toBe('x ');
  });

  it('rejects what is not a DN', () => {
    expect(parseDn('')).toBeUndefined();
    expect(parseDn('zhaoqiang')).toBeUndefined();
    expect(parseDn('uid=,ou=people')).toBeUndefined();
    expect(parseDn('cn=#04024869,ou=x')).toBeUndefined();
    expect(parseDn('uid=trailing\\')).toBeUndefined();
  });
});

describe('dnKey', () => {
  it('equates spellings of one DN and tells different DNs apart', () => {
    expect(dnKey('UID=ZhaoQiang, OU=People,DC=cocrm')).toBe(
      dnKey('uid=zhaoqiang,ou=people,dc=cocrm'),
    );
    expect(dnKey('cn=a\\,b,ou=x')).toBe(dnKey('cn=a\\2cb,ou=x'));
    expect(dnKey('cn=a\\,b=c')).not.toBe(dnKey('cn=a,b=c'));
    expect(dnKey('cn=a+uid=b,ou=x')).toBe(dnKey('uid=b+cn=a,ou=x'));
  });
});

describe('isBelow', () => {
  const base = parseDn('ou=people,dc=cocrm,dc=test')!;
  it('is true only strictly below the base', () => {
    expect(isBelow(parseDn('uid=a,OU=People,dc=cocrm,dc=test')!, base)).toBe(
      true,
    );
    expect(
      isBelow(parseDn('uid=a,ou=x,ou=people,dc=cocrm,dc=test')!, base),
    ).toBe(true);
    expect(isBelow(base, base)).toBe(false);
    expect(isBelow(parseDn('cn=a,ou=groups,dc=cocrm,dc=test')!, base)).toBe(
      false,
    );
  });
});

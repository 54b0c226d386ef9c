import { FREE_MAIL_DOMAINS, isFreeMailDomain, isValidMailDomain, mailDomainOf, normalizeMailDomain } from './mailDomains';
import { customerCreateSchema, customerUpdateSchema } from './schemas';
import { describeIssues } from './issues';

describe('邮箱域名', () => {
  it('normalises full-width, upper-case input with a leading @ and trailing dot', () => {
    expect(normalizeMailDomain(' ＠HuaXin-Group.COM.cn. ')).toBe('huaxin-group.com.cn');
    expect(mailDomainOf('Li.Ming@HuaXin.com')).toBe('huaxin.com');
    expect(mailDomainOf('no-at-sign')).toBeUndefined();
  });

  it('accepts host names of two or more labels, IDNs in xn-- form, and refuses the rest', () => {
    for (const ok of ['huaxin.com', 'mail.huaxin-group.com.cn', 'xn--fiqs8s.xn--fiqs8s', 'a1.io']) expect(isValidMailDomain(ok)).toBe(true);
    for (const bad of ['localhost', 'huaxin', '-huaxin.com', 'huaxin-.com', 'hua xin.com', 'huaxin.c', 'huaxin.123', '华信.中国', 'a..com', `${'a'.repeat(64)}.com`]) {
      expect({ bad, ok: isValidMailDomain(bad) }).toEqual({ bad, ok: false });
    }
  });

  it('knows the public mail providers, whatever the case', () => {
    for (const d of ['qq.com', 'foxmail.com', '163.com', '126.com', 'yeah.net', 'sina.com', 'sina.cn', 'sohu.com', 'aliyun.com', '139.com', '189.cn', 'gmail.com', 'outlook.com', 'hotmail.com', 'live.com', 'yahoo.com', 'icloud.com', 'me.com']) {
      expect(FREE_MAIL_DOMAINS).toContain(d);
    }
    expect(isFreeMailDomain('QQ.COM')).toBe(true);
    expect(isFreeMailDomain('huaxin.com')).toBe(false);
  });

  it('parses a customer\'s domains lower-cased and once each, and explains refusals in the caller language', () => {
    const ok = customerCreateSchema.parse({ name: '华信', mailDomains: ['HuaXin.com', 'huaxin.com', '@huaxin-group.com.cn'] });
    expect(ok.mailDomains).toEqual(['huaxin.com', 'huaxin-group.com.cn']);
    expect(customerCreateSchema.parse({ name: '华信' }).mailDomains).toEqual([]);
    expect(customerUpdateSchema.parse({ version: 1 }).mailDomains).toBeUndefined();

    const input = { name: '华信', mailDomains: ['huaxin.com', 'QQ.com', 'not a domain'] };
    const bad = customerCreateSchema.safeParse(input);
    expect(bad.success).toBe(false);
    expect(describeIssues(bad.error!.issues, input, 'zh-CN')).toEqual({
      'mailDomains.1': 'qq.com 是公共邮箱域名，不能用于识别客户',
      'mailDomains.2': '邮箱域名格式不正确（例如 huaxin-group.com.cn）',
    });
    expect(describeIssues(bad.error!.issues, input, 'en')['mailDomains.1']).toBe('qq.com is a public mail provider and cannot identify a customer');

    const many = { name: '华信', mailDomains: Array.from({ length: 21 }, (_, i) => `d${i}.com`) };
    expect(describeIssues(customerCreateSchema.safeParse(many).error!.issues, many, 'zh-CN')).toEqual({ mailDomains: '最多 20 项' });
  });
});

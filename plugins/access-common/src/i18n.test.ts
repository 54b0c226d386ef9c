import { localeFromAcceptLanguage, messageCatalog } from './i18n';

describe('messageCatalog', () => {
  const catalog = messageCatalog({ hello: '你好，{name}' }, { hello: 'Hello, {name}' });

  it('fills placeholders in the caller language and leaves unknown ones visible', () => {
    expect(catalog.message('zh-CN', 'hello', { name: '周浩' })).toBe('你好，周浩');
    expect(catalog.message('en', 'hello')).toBe('Hello, {name}');
    expect(catalog.label('hello', { name: 'x' })).toEqual({ 'zh-CN': '你好，x', en: 'Hello, x' });
  });

  it('knows its own keys only (not inherited object properties)', () => {
    expect(catalog.isKey('hello')).toBe(true);
    expect(catalog.isKey('toString')).toBe(false);
  });
});

describe('localeFromAcceptLanguage', () => {
  it('takes the preferred of zh and en by q-value, Chinese by default', () => {
    expect(localeFromAcceptLanguage(undefined)).toBe('zh-CN');
    expect(localeFromAcceptLanguage('en-US,en;q=0.9')).toBe('en');
    expect(localeFromAcceptLanguage('fr;q=1,zh-CN;q=0.5,en;q=0.8')).toBe('en');
    expect(localeFromAcceptLanguage('de')).toBe('zh-CN');
  });
});

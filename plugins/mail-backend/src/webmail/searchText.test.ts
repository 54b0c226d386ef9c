import { folderName, specialUseOf } from './folders';
import { htmlToText } from './htmlText';
import { SEARCH_TEXT_MAX, bigramsOf, buildSearchText, foldForSearch, queryBigrams } from './searchText';

const mail = (over: Partial<Parameters<typeof buildSearchText>[0]> = {}) => ({
  subject: '关于合同续签',
  from: [{ name: '张伟', address: 'zhangwei@customer.example' }],
  to: [{ name: 'Sun Li', address: 'sunli@corp.example' }],
  cc: [],
  replyTo: [],
  text: 'Please CONFIRM the 付款 schedule.',
  html: null,
  ...over,
});

describe('search text', () => {
  it('holds the subject, every participant and the body, lower-cased and folded', () => {
    const text = buildSearchText(mail({ cc: [{ name: '', address: 'boss@corp.example' }], subject: 'ＡＢＣ 合同' }));
    expect(text).toBe('abc 合同\n张伟 <zhangwei@customer.example> sun li <sunli@corp.example> <boss@corp.example>\nplease confirm the 付款 schedule.');
    expect(text).toContain(foldForSearch('ＣＯＮＦＩＲＭ'));
  });

  it('takes the text of the HTML when there is no text part', () => {
    const text = buildSearchText(mail({ text: null, html: '<style>p{color:red}</style><p>您好，</p><p>附件为&lt;报价单&gt;&amp;合同</p><script>var x</script>' }));
    // NFKC folds the full-width comma, in the text as in every query
    expect(text).toContain('您好,\n附件为<报价单>&合同');
    expect(text).not.toMatch(/color|var x/);
  });

  it('is capped without splitting a character and holds nothing PostgreSQL refuses', () => {
    const text = buildSearchText(mail({ text: `${'合'.repeat(SEARCH_TEXT_MAX - 20)}😀😀😀😀😀😀😀😀😀😀😀😀\u0000x` }));
    expect(text.length).toBeLessThanOrEqual(SEARCH_TEXT_MAX);
    expect(/[\ud800-\udbff]$/.test(text)).toBe(false);
    expect(buildSearchText(mail({ text: 'a\u0000b' }))).toContain('a b');
  });

  it('lists the pairs of letters and digits a two-character query is looked up by', () => {
    expect(bigramsOf('合同 ab-1c')).toEqual(['合同', 'ab', '1c']);
    expect(bigramsOf('签订合同合同')).toEqual(['签订', '订合', '合同', '同合']);
    // every bigram of a query occurs in a text that contains the query
    const text = foldForSearch('华东区采购合同（第二版）');
    for (const q of ['合同', '采购合同', '第二']) for (const g of queryBigrams(q)) expect(bigramsOf(text)).toContain(g);
    expect(queryBigrams('合')).toEqual([]);
  });
});

describe('htmlToText', () => {
  it('keeps line structure and decodes what the stripping escaped', () => {
    expect(htmlToText('<div>第一行<br>第二行</div><table><tr><td>甲</td><td>乙</td></tr></table>&nbsp;A &amp; B')).toBe('第一行\n第二行\n甲乙\nA & B');
  });
});

describe('folders', () => {
  it('names folders by their last segment', () => {
    expect(folderName('INBOX')).toBe('INBOX');
    expect(folderName('INBOX.Sent')).toBe('Sent');
    expect(folderName('[Gmail]/Sent Mail')).toBe('Sent Mail');
    expect(folderName('客户/华信')).toBe('华信');
  });

  it('takes the special use the server announced, else recognises the usual names', () => {
    expect(specialUseOf('Gesendet', '\\Sent')).toBe('\\Sent');
    expect(specialUseOf('INBOX', null)).toBe('\\Inbox');
    expect(specialUseOf('已发送', null)).toBe('\\Sent');
    expect(specialUseOf('Sent Messages', null)).toBe('\\Sent');
    expect(specialUseOf('INBOX.Drafts', null)).toBe('\\Drafts');
    expect(specialUseOf('草稿箱', null)).toBe('\\Drafts');
    expect(specialUseOf('已删除', null)).toBe('\\Trash');
    expect(specialUseOf('Deleted Items', null)).toBe('\\Trash');
    expect(specialUseOf('垃圾邮件', null)).toBe('\\Junk');
    expect(specialUseOf('Junk E-mail', null)).toBe('\\Junk');
    expect(specialUseOf('客户', null)).toBeNull();
  });
});

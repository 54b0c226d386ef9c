import { simpleParser } from 'mailparser';
import { parseRecordMessageId } from '@cocrm/plugin-mail-common';
import { baseSubject, formatMailDate, prefill, prefixedSubject, replyRecipients, soleLinkedCustomer, SourceMessage } from './prefill';
import { buildMime, newMessageId } from './buildMime';
import { htmlToText, sanitizeDraftHtml } from './html';
import { refusedBeforeAcceptance } from './SmtpAccountTransport';
import { cleanFilename } from './DraftService';

const source = (over: Partial<SourceMessage> = {}): SourceMessage => ({
  id: '00000000-0000-4000-8000-000000000001',
  messageIdHeader: '<m2@customer.example>',
  subject: '关于报价',
  from: [{ name: '张三', address: 'zhangsan@customer.example' }],
  to: [
    { name: 'Alice', address: 'alice@corp.example' },
    { name: '李四', address: 'lisi@customer.example' },
  ],
  cc: [
    { name: '', address: 'sales@corp.example' },
    { name: '王五', address: 'wangwu@customer.example' },
    { name: '李四', address: 'LISI@customer.example' },
  ],
  replyTo: [],
  text: '您好，\n请报价。<b>不是标签</b>',
  html: null,
  attachments: [
    { filename: 'a.pdf', contentType: 'application/pdf', size: 10, contentId: null, inline: false },
    { filename: 'logo.png', contentType: 'image/png', size: 10, contentId: '<logo>', inline: true },
  ],
  references: ['<m1@corp.example>'],
  receivedAt: new Date('2026-11-24T02:00:00Z'),
  threadId: null,
  ...over,
});

const OWN = ['alice@corp.example', 'sales@corp.example'];

describe('subjects', () => {
  it('adds one prefix and never stacks them', () => {
    expect(prefixedSubject('reply', '关于报价', 'zh-CN')).toBe('回复：关于报价');
    expect(prefixedSubject('reply', '回复：关于报价', 'zh-CN')).toBe('回复：关于报价');
    expect(prefixedSubject('reply', 'Re: RE: 回复: 答复：Fwd: 关于报价', 'zh-CN')).toBe('回复：关于报价');
    expect(prefixedSubject('replyAll', 'Re[2]: 关于报价', 'zh-CN')).toBe('回复：关于报价');
    expect(prefixedSubject('forward', '回复：关于报价', 'zh-CN')).toBe('转发：关于报价');
    expect(prefixedSubject('forward', null, 'zh-CN')).toBe('转发：');
    expect(prefixedSubject('reply', 'Quarterly order', 'en')).toBe('Re: Quarterly order');
    // a word that merely starts like a prefix stays
    expect(baseSubject('Report: Q3')).toBe('Report: Q3');
  });
});

describe('reply recipients', () => {
  it('reply goes to the sender (Reply-To first)', () => {
    expect(replyRecipients('reply', source(), OWN)).toEqual({ to: [{ name: '张三', address: 'zhangsan@customer.example' }], cc: [] });
    expect(replyRecipients('reply', source({ replyTo: [{ name: 'Desk', address: 'desk@customer.example' }] }), OWN).to).toEqual([
      { name: 'Desk', address: 'desk@customer.example' },
    ]);
  });

  it("reply-all keeps everyone once and never the mailbox's own addresses (email + aliases)", () => {
    const r = replyRecipients('replyAll', source(), OWN);
    expect(r.to.map(a => a.address)).toEqual(['zhangsan@customer.example', 'lisi@customer.example']);
    expect(r.cc.map(a => a.address)).toEqual(['wangwu@customer.example']);
  });

  it('replying to our own sent mail goes to its recipients', () => {
    const ours = source({ from: [{ name: 'Alice', address: 'ALICE@corp.example' }] });
    expect(replyRecipients('reply', ours, OWN).to.map(a => a.address)).toEqual(['lisi@customer.example']);
  });
});

describe('quoted body and threading', () => {
  it('quotes with the Chinese header line in Beijing time, escaping the source text', () => {
    const p = prefill('reply', source(), OWN, 'zh-CN');
    expect(p.html).toContain('在 2026年11月24日 10:00，张三 &lt;zhangsan@customer.example&gt; 写道：');
    expect(p.html).toContain('<blockquote');
    expect(p.html).toContain('请报价。&lt;b&gt;不是标签&lt;/b&gt;');
    expect(p.inReplyTo).toBe('<m2@customer.example>');
    expect(p.references).toEqual(['<m1@corp.example>', '<m2@customer.example>']);
    expect(p.forwardAttachments).toEqual([]);
  });

  it('forwards with a header block, no threading headers, and the real attachments only', () => {
    const p = prefill('forward', source({ html: '<p onclick="x()">正文<img src="https://tracker.example/p.gif"><script>bad()</script></p>' }), OWN, 'zh-CN');
    expect(p.html).toContain('---------- 转发的邮件 ----------');
    expect(p.html).toContain('发件人：张三 &lt;zhangsan@customer.example&gt;');
    expect(p.html).toContain('日期：2026年11月24日 10:00');
    expect(p.html).toContain('<p>正文</p>');
    expect(p.html).not.toMatch(/img|script|onclick/);
    expect(p.inReplyTo).toBeNull();
    expect(p.forwardAttachments).toEqual([0]);
    expect(p.to).toEqual([]);
  });

  it('quotes a huge HTML source as its text, cut to what a draft can hold', () => {
    const huge = prefill('reply', source({ html: `<div>${'<p>新闻</p>'.repeat(100_000)}</div>`, text: '新闻'.repeat(400_000) }), OWN, 'zh-CN');
    expect(huge.html.length).toBeLessThan(500_000);
    expect(huge.html).not.toContain('<p>新闻</p>');
    expect(huge.html).toMatch(/新闻…<\/blockquote>/);
  });

  it('formats dates per language', () => {
    const d = new Date('2026-03-01T16:05:00Z');
    expect(formatMailDate(d, 'zh-CN')).toBe('2026年3月2日 00:05');
    expect(formatMailDate(d, 'en')).toBe('2 Mar 2026 00:05');
  });
});

describe('MIME', () => {
  it('names the customer in the Message-ID and encodes Chinese file names per RFC 2231', async () => {
    const customerId = '6f1c2b9e-4a7d-4c1e-9f0a-0123456789ab';
    const id = newMessageId('alice@Corp.Example', customerId);
    expect(parseRecordMessageId(id)).toEqual({ type: 'customer', id: customerId });
    expect(newMessageId('alice@corp.example', null)).toMatch(/^<[0-9a-f-]{36}@corp\.example>$/);
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(2000, 7)]);
    const mime = await buildMime({
      from: { name: '爱丽丝', address: 'alice@corp.example' },
      to: [{ name: '张三', address: 'zhangsan@customer.example' }],
      cc: [],
      subject: '回复：报价',
      html: '<p>您好</p>',
      inReplyTo: '<m2@customer.example>',
      references: ['<m1@corp.example>', '<m2@customer.example>'],
      attachments: [{ filename: '报价单（2026年）.pdf', contentType: 'application/pdf', content: pdf }],
      messageIdHeader: id,
      date: new Date('2026-11-24T02:00:00Z'),
    });
    const text = mime.toString('latin1');
    expect(text).toMatch(/filename\*(0\*)?=utf-8''/i);
    expect(text).not.toMatch(/^Bcc:/im);
    const parsed = await simpleParser(mime);
    expect(parsed.messageId).toBe(id);
    expect(parsed.subject).toBe('回复：报价');
    expect(parsed.inReplyTo).toBe('<m2@customer.example>');
    expect(parsed.text?.trim()).toBe('您好');
    expect(parsed.attachments).toHaveLength(1);
    expect(parsed.attachments[0].filename).toBe('报价单（2026年）.pdf');
    expect(parsed.attachments[0].content.equals(pdf)).toBe(true);
  });
});

describe('html', () => {
  it('keeps formatting, drops active content', () => {
    const html = sanitizeDraftHtml('<p style="color: red; background: url(https://x)">hi<a href="javascript:alert(1)">x</a><img src="cid:a" onerror="x()"></p><form><input></form><iframe src="https://x"></iframe>');
    expect(html).toBe('<p style="color:red">hi<a>x</a><img src="cid:a" /></p>');
  });

  it('gives a readable text alternative', () => {
    expect(htmlToText('<p>第一行 &amp; &lt;b&gt;</p><p>第二行<br>第三行</p><style>p{}</style><ul><li>一</li><li>二</li></ul>')).toBe(
      '第一行 & <b>\n第二行\n第三行\n\n- 一\n- 二',
    );
  });
});

describe('attachment names', () => {
  it('keeps only the base name of a file, Chinese included', () => {
    expect(cleanFilename('C:\\Users\\张三\\报价单.pdf')).toBe('报价单.pdf');
    expect(cleanFilename('../../etc/passwd')).toBe('passwd');
    expect(cleanFilename('a\r\nb.txt')).toBe('ab.txt');
    expect(cleanFilename(undefined)).toBe('');
  });
});

describe('SMTP outcome classification', () => {
  it('treats answers and pre-data failures as refusals, silent losses after data as uncertain', () => {
    expect(refusedBeforeAcceptance(Object.assign(new Error('x'), { responseCode: 550, command: 'RCPT TO' }))).toBe(true);
    expect(refusedBeforeAcceptance(Object.assign(new Error('x'), { responseCode: 451, command: 'DATA' }))).toBe(true);
    expect(refusedBeforeAcceptance(Object.assign(new Error('x'), { code: 'EENVELOPE', command: 'API' }))).toBe(true);
    expect(refusedBeforeAcceptance(Object.assign(new Error('Connection closed'), { code: 'ECONNECTION', command: 'CONN' }))).toBe(false);
    expect(refusedBeforeAcceptance(Object.assign(new Error('Timeout'), { code: 'ETIMEDOUT' }))).toBe(false);
  });
});

describe('the customer of a reply', () => {
  const link = (customerId: string, state: 'linked' | 'unlinked' = 'linked') => ({
    customerId,
    customerName: '',
    contactIds: [],
    source: 'contact' as const,
    state,
    manual: state === 'unlinked',
    by: null,
    at: '2026-11-24T02:00:00.000Z',
  });

  it('is the thread’s one linked customer, else none', () => {
    expect(soleLinkedCustomer([link('a')])).toBe('a');
    expect(soleLinkedCustomer([link('a'), link('b', 'unlinked')])).toBe('a');
    expect(soleLinkedCustomer([link('a'), link('b')])).toBeNull();
    expect(soleLinkedCustomer([link('b', 'unlinked')])).toBeNull();
    expect(soleLinkedCustomer([])).toBeNull();
  });
});

import iconv from 'iconv-lite';
import { repairCharsets } from './charsetRepair';
import { messageKey, normaliseMessageId } from './messageKey';
import { StreamingMessageParser } from './MessageParser';

const lines = (...parts: Array<string | Buffer>) =>
  Buffer.concat(parts.flatMap(p => [typeof p === 'string' ? Buffer.from(p) : p, Buffer.from('\r\n')]));

describe('messageKey', () => {
  it('normalises Message-IDs: brackets, whitespace, domain case', () => {
    expect(normaliseMessageId(' <Abc.123@Mail.Example.COM> ')).toBe('Abc.123@mail.example.com');
    expect(normaliseMessageId('<>')).toBeNull();
    expect(messageKey(lines('Message-ID: <X@A.com>', '', 'b'))).toBe(messageKey(lines('message-id:   <X@a.COM>', 'Received: elsewhere', '', 'other body')));
  });

  it('hashes stable headers and the body when there is no Message-ID, ignoring per-mailbox headers', () => {
    const body = ['From: a@x.example', 'To: b@x.example', 'Subject: hi', 'Date: Sun, 1 Mar 2026 16:00:00 +0800', '', '正文'];
    const one = messageKey(lines('Received: from mx1', 'Delivered-To: alice@corp.example', ...body));
    const two = messageKey(lines('Received: from mx2', 'Delivered-To: sales@corp.example', ...body));
    expect(one).toMatch(/^h:[0-9a-f]{64}$/);
    expect(two).toBe(one);
    expect(messageKey(lines(...body.slice(0, -1), '另一个正文'))).not.toBe(one);
    expect(messageKey(lines('Subject: other', ...body.slice(1)))).not.toBe(one);
  });
});

describe('charset repair before parsing', () => {
  const parser = new StreamingMessageParser();

  it('passes a message with nothing to repair through unchanged, without copying bodies', () => {
    const raw = lines('Subject: plain', 'Content-Type: multipart/mixed; boundary=q', '', '--q', 'Content-Type: text/plain; charset=utf-8', '', 'x', '--q--', '');
    expect(Buffer.concat(repairCharsets(raw)).equals(raw)).toBe(true);
  });

  it('detects GB18030 or UTF-8 for charset-less text parts inside multiparts, quoted-printable included', async () => {
    const qp = [...iconv.encode('报价单', 'gbk')].map(b => `=${b.toString(16).toUpperCase()}`).join('');
    const raw = lines(
      'Subject: nested',
      'Content-Type: multipart/mixed; boundary="outer"',
      '',
      '--outer',
      'Content-Type: multipart/alternative; boundary="inner"',
      '',
      '--inner',
      'Content-Type: text/plain',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      qp,
      '--inner',
      'Content-Type: text/html',
      '',
      '<p>统一社会信用代码</p>',
      '--inner--',
      '--outer--',
    );
    const parsed = await parser.parse(raw);
    expect(parsed.text).toContain('报价单');
    expect(parsed.html).toContain('统一社会信用代码');
  });

  it('decodes a whole raw 8-bit GBK header block, addresses included', async () => {
    const raw = lines(
      Buffer.concat([Buffer.from('From: '), iconv.encode('王建国', 'gbk'), Buffer.from(' <wjg@corp.example>')]),
      Buffer.concat([Buffer.from('To: '), iconv.encode('赵强', 'gbk'), Buffer.from(' <zq@corp.example>, '), iconv.encode('周浩', 'gbk'), Buffer.from(' <zh@corp.example>')]),
      Buffer.concat([Buffer.from('Subject: '), iconv.encode('季度销售目标', 'gbk')]),
      'Content-Type: text/plain; charset=utf-8',
      '',
      'ok',
    );
    const parsed = await parser.parse(raw);
    expect(parsed.subject).toBe('季度销售目标');
    expect(parsed.from).toEqual([{ name: '王建国', address: 'wjg@corp.example' }]);
    expect(parsed.to.map(a => a.name)).toEqual(['赵强', '周浩']);
  });
});

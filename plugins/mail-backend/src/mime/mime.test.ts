import { Readable } from 'stream';
import iconv from 'iconv-lite';
import { corpus } from '../__testUtils__/corpus';
import { bulkMessage } from '../crash/__testUtils__/bulkCorpus';
import { CharsetRepairer, repairCharsets } from './charsetRepair';
import { identityOf, messageKey, normaliseMessageId, StreamingIdentity } from './messageKey';
import { StreamingMessageParser } from './MessageParser';

/** Every message of the test corpus, plus bulk mail with its Chinese-charset, malformed and Message-ID-less cases. */
const samples = (): Buffer[] => [
  ...Object.values(corpus).map(make => (make as () => Buffer)()),
  ...Array.from({ length: 520 }, (_, n) => bulkMessage(n)),
  Buffer.from('Subject: no header end, no body'),
  Buffer.from('Subject: lf only\n\nbody  \n\n'),
];

/** The message cut at pseudo-random points (1–97 bytes), as a network or a store might deliver it. */
function* cuts(raw: Buffer, seed: number): Generator<Buffer> {
  let s = seed;
  for (let at = 0; at < raw.length; ) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const n = 1 + (s % 97);
    yield raw.subarray(at, at + n);
    at += n;
  }
}

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

describe('identity of a message streaming past', () => {
  it('is the identity of the whole buffer, however the message is cut', () => {
    const different = samples().filter((raw, i) => {
      const streaming = new StreamingIdentity();
      for (const piece of cuts(raw, i + 1)) streaming.update(piece);
      return JSON.stringify(streaming.finish()) !== JSON.stringify(identityOf(raw));
    });
    expect(different).toEqual([]);
  });

  it('trims trailing whitespace of a Message-ID-less body split across chunks, as the buffer key does', () => {
    const raw = Buffer.from('From: a@x.example\r\nSubject: s\r\n\r\nline one\r\n  \r\n\t\r\n');
    const streaming = new StreamingIdentity();
    for (let i = 0; i < raw.length; i++) streaming.update(raw.subarray(i, i + 1));
    expect(streaming.finish().key).toBe(messageKey(raw));
    expect(messageKey(raw)).toBe(messageKey(Buffer.from('From: a@x.example\r\nSubject: s\r\n\r\nline one')));
  });
});

describe('charset repair before parsing', () => {
  const parser = new StreamingMessageParser();

  it('repairs the same however the message is cut into chunks', () => {
    const different = samples().filter((raw, i) => {
      const repairer = new CharsetRepairer();
      const out: Buffer[] = [];
      for (const piece of cuts(raw, i + 7)) out.push(...repairer.push(piece));
      out.push(...repairer.end());
      return !Buffer.concat(out).equals(Buffer.concat(repairCharsets(raw)));
    });
    expect(different).toEqual([]);
  });

  it('parses a stream as it parses the buffer, Chinese charsets included', async () => {
    for (const raw of Object.values(corpus).map(make => (make as () => Buffer)())) {
      expect(await parser.parseStream(Readable.from(cuts(raw, 3)))).toEqual(await parser.parse(raw));
    }
  });

  it('fails the parse when the stream fails', async () => {
    async function* broken() {
      yield Buffer.from('Subject: x\r\n');
      throw new Error('store went away');
    }
    await expect(parser.parseStream(Readable.from(broken()))).rejects.toThrow('store went away');
  });

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

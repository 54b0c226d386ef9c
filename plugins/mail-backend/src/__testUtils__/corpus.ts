import iconv from 'iconv-lite';

/*
 * The test corpus: each builder returns raw bytes the way real mail arrives,
 * including the Chinese-charset cases mailparser garbles on its own.
 */

const crlf = (lines: Array<string | Buffer>) =>
  Buffer.concat(lines.flatMap(l => [typeof l === 'string' ? Buffer.from(l, 'utf8') : l, Buffer.from('\r\n')]));

const b64 = (buf: Buffer) => buf.toString('base64').replace(/.{76}/g, '$&\r\n');
const encodedWord = (text: string, charset: string) => `=?${charset}?B?${iconv.encode(text, charset).toString('base64')}?=`;

const head = (id: string | null, subject: string, extra: string[] = []) => [
  'From: Customer <buyer@customer.example>',
  'To: Alice <alice@corp.example>',
  'Date: Sun, 1 Mar 2026 16:00:00 +0800',
  ...(id ? [`Message-ID: <${id}>`] : []),
  `Subject: ${subject}`,
  'MIME-Version: 1.0',
  ...extra,
];

export const corpus = {
  plain: (id = 'plain-1@customer.example') =>
    crlf([...head(id, 'Quarterly order'), 'Content-Type: text/plain; charset=us-ascii', '', 'Please confirm the order.']),

  withAttachment: () =>
    crlf([
      ...head('attach-1@customer.example', 'Contract draft'),
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      '请查收合同草稿。',
      '--b1',
      'Content-Type: application/pdf; name="contract.pdf"',
      'Content-Disposition: attachment; filename="contract.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      b64(Buffer.alloc(3000, 0x25)),
      '--b1--',
    ]),

  gb2312: () =>
    crlf([
      ...head('gb2312-1@customer.example', encodedWord('关于报价的问题', 'gb2312')),
      'Content-Type: text/plain; charset=gb2312',
      'Content-Transfer-Encoding: base64',
      '',
      b64(iconv.encode('您好，请发送最新报价单。', 'gb2312')),
    ]),

  gbk: () =>
    crlf([
      `From: ${encodedWord('张伟', 'gbk')} <zhangwei@customer.example>`,
      'To: Alice <alice@corp.example>',
      'Date: Sun, 1 Mar 2026 16:00:00 +0800',
      'Message-ID: <gbk-1@customer.example>',
      `Subject: ${encodedWord('镕铭科技合同续签', 'gbk')}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=gbk',
      'Content-Transfer-Encoding: 8bit',
      '',
      iconv.encode('合同将于下月到期，请安排续签。', 'gbk'),
    ]),

  big5: () =>
    crlf([
      ...head('big5-1@customer.example', encodedWord('臺灣分公司訂單', 'big5')),
      'Content-Type: text/plain; charset=big5',
      'Content-Transfer-Encoding: base64',
      '',
      b64(iconv.encode('請確認訂單數量。', 'big5')),
    ]),

  /** 8-bit GBK bytes straight in the headers, no encoded-words (old Chinese clients do this). */
  rawGbkHeader: () =>
    crlf([
      Buffer.concat([Buffer.from('From: '), iconv.encode('李娜', 'gbk'), Buffer.from(' <lina@customer.example>')]),
      'To: Alice <alice@corp.example>',
      'Date: Sun, 1 Mar 2026 16:00:00 +0800',
      'Message-ID: <rawgbk-1@customer.example>',
      Buffer.concat([Buffer.from('Subject: '), iconv.encode('发票已寄出', 'gbk')]),
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=gbk',
      'Content-Transfer-Encoding: 8bit',
      '',
      iconv.encode('发票已通过顺丰寄出。', 'gbk'),
    ]),

  /** A GBK body with no charset parameter at all. */
  noCharsetGbk: () =>
    crlf([
      ...head('nocharset-1@customer.example', 'No charset GBK'),
      'Content-Type: text/plain',
      'Content-Transfer-Encoding: 8bit',
      '',
      iconv.encode('这封邮件没有声明字符集。', 'gbk'),
    ]),

  /** A UTF-8 body with no charset parameter: must stay UTF-8, not become GB18030. */
  noCharsetUtf8: () =>
    crlf([...head('nocharset-2@customer.example', 'No charset UTF-8'), 'Content-Type: text/plain', 'Content-Transfer-Encoding: 8bit', '', '未声明字符集的UTF-8正文。']),

  /** Declared multipart whose closing boundary never comes and whose second part has no headers. */
  malformedMultipart: () =>
    crlf([
      ...head('malformed-1@customer.example', 'Broken MIME'),
      'Content-Type: multipart/alternative; boundary="zz"',
      '',
      'preamble text',
      '--zz',
      'Content-Type: text/plain; charset=utf-8',
      '',
      '破损的多部分邮件正文',
      '--zz',
      'this part has no header block at all',
    ]),

  noMessageId: (subject = 'No Message-ID here') =>
    crlf([...head(null, subject), 'Content-Type: text/plain; charset=utf-8', '', '没有 Message-ID 的邮件。']),

  /** Internal mail between two colleagues. */
  colleagues: () =>
    crlf([
      'From: Alice <alice@corp.example>',
      'To: Bob <bob@corp.example>',
      'Cc: Carol <carol@corp.example>',
      'Reply-To: Alice Team <team@corp.example>',
      'Date: Sun, 1 Mar 2026 09:00:00 +0800',
      'Message-ID: <internal-1@corp.example>',
      'In-Reply-To: <earlier@corp.example>',
      'References: <root@corp.example> <earlier@corp.example>',
      `Subject: ${encodedWord('周例会纪要', 'utf-8')}`,
      'MIME-Version: 1.0',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>本周例会纪要见附件。</p>',
    ]),

  invalidDate: () =>
    crlf([
      'From: Customer <buyer@customer.example>',
      'To: Alice <alice@corp.example>',
      'Date: not a date at all',
      'Message-ID: <baddate-1@customer.example>',
      'Subject: Bad date',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'body',
    ]),
};

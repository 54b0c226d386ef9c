import { createHash, randomBytes } from 'crypto';
import http from 'http';
import type { AddressInfo } from 'net';
import v8 from 'v8';
import vm from 'vm';
import type { Knex } from 'knex';
import { TestDatabaseId, mockCredentials } from '@backstage/backend-test-utils';
import { databases, migratedDatabase } from '../__testUtils__/mailTestBed';
import { user } from '../__testUtils__/org';
import { addAccount } from '../routing/__testUtils__/routingBed';
import { webmailBed } from './__testUtils__/webmailBed';
import { StreamingMessageParser } from '../mime/MessageParser';

jest.setTimeout(600_000);

v8.setFlagsFromString('--expose_gc');
const gc = vm.runInNewContext('gc') as () => void;

const SIZE = 100 * 1024 * 1024;

/** The message around a 100 MB attachment, built without a second copy of the base64 text per line. */
function bigMessage(content: Buffer): Buffer {
  const base64 = content.toString('base64');
  const lines = Math.ceil(base64.length / 76);
  const body = Buffer.allocUnsafe(base64.length + lines * 2);
  let at = 0;
  for (let i = 0; i < base64.length; i += 76) {
    at += body.write(base64.slice(i, i + 76), at, 'latin1');
    at += body.write('\r\n', at, 'latin1');
  }
  const head = Buffer.from(
    [
      'From: buyer@customer.example',
      'To: sunli@corp.example',
      'Message-ID: <big-1@customer.example>',
      'Subject: =?UTF-8?B?5aSn6ZmE5Lu2?=',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'see attachment',
      '--b',
      'Content-Type: application/zip',
      `Content-Disposition: attachment; filename*=UTF-8''${encodeURIComponent('设计图纸.zip')}`,
      'Content-Transfer-Encoding: base64',
      '',
      '',
    ].join('\r\n'),
  );
  return Buffer.concat([head, body.subarray(0, at), Buffer.from('--b--\r\n')]);
}

describe.each(databases.eachSupportedId())('a 100 MB attachment on %s', (databaseId: TestDatabaseId) => {
  let knex: Knex;
  let server: http.Server;
  let messageId: string;
  let expectedHash: string;

  beforeAll(async () => {
    knex = await migratedDatabase(databaseId);
    const { mail, app } = webmailBed(knex);
    const accountId = await addAccount(knex, { owner: user('sunli'), email: 'sunli@corp.example' });
    // random bytes: neither the database nor the transfer can shrink them
    const content = randomBytes(SIZE);
    content.write('PK\u0003\u0004', 0, 'latin1');
    expectedHash = createHash('sha256').update(content).digest('hex');
    let raw: Buffer | undefined = bigMessage(content);
    const folder = await mail.messages.ensureFolder(accountId, 'INBOX');
    await mail.messages.setUidValidity(folder.id, '1');
    const [id] = await mail.messages.ingestBatch({ ...folder, uidValidity: '1' }, '1', [{ uid: 1, flags: [], internalDate: new Date(), modseq: null, raw }], 1);
    await mail.messages.markParsed(id, await new StreamingMessageParser().parse(raw));
    raw = undefined;
    messageId = id;
    server = app.listen(0);
  });

  afterAll(async () => {
    await new Promise(resolve => server?.close(resolve));
  });

  it('streams it out in chunks, as fast as the client reads, without holding it in memory', async () => {
    gc();
    const before = process.memoryUsage();
    let peakRss = before.rss;
    let peakLive = before.heapUsed + before.arrayBuffers;
    // collected before each sample: what is measured is what is held, not garbage waiting for the collector
    const sampler = setInterval(() => {
      gc();
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakLive = Math.max(peakLive, m.heapUsed + m.arrayBuffers);
    }, 500);
    let slices = 0;
    const onQuery = (q: { sql: string }) => {
      if (/substr/i.test(q.sql)) slices++;
    };
    knex.on('query', onQuery);
    const { port } = server.address() as AddressInfo;
    let slicesWhilePaused = -1;
    const result = await new Promise<{ status: number; headers: http.IncomingHttpHeaders; bytes: number; chunks: number; hash: string }>((resolve, reject) => {
      const req = http.get(
        { port, path: `/api/mail/messages/${messageId}/attachments/0`, headers: { Authorization: mockCredentials.user.header(user('sunli')) } },
        res => {
          const hash = createHash('sha256');
          let bytes = 0;
          let chunks = 0;
          res.on('data', (chunk: Buffer) => {
            hash.update(chunk);
            bytes += chunk.length;
            chunks++;
            if (chunks === 1) {
              // a client that stops reading: the server must stop reading the raw message too
              res.pause();
              setTimeout(() => {
                slicesWhilePaused = slices;
                res.resume();
              }, 1500);
            }
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes, chunks, hash: hash.digest('hex') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
    });
    clearInterval(sampler);
    knex.off('query', onQuery);
    const rssDelta = (peakRss - before.rss) / 1024 / 1024;
    const liveDelta = (peakLive - before.heapUsed - before.arrayBuffers) / 1024 / 1024;
    // eslint-disable-next-line no-console
    console.log(
      `${databaseId}: 100 MB attachment in ${result.chunks} chunks from ${slices} slices of the raw (${slicesWhilePaused} read while the client paused); peak RSS +${rssDelta.toFixed(0)} MB, live JS heap + buffers +${liveDelta.toFixed(0)} MB`,
    );

    expect(result.status).toBe(200);
    expect(result.headers['content-type']).toBe('application/zip');
    expect(result.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('设计图纸.zip')}`);
    expect(result.bytes).toBe(SIZE);
    expect(result.hash).toBe(expectedHash);
    // sent as it is decoded, not as one buffer at the end
    expect(result.chunks).toBeGreaterThan(100);
    // the raw (137 MB) is read in 4 MB slices, and only as far as the client has taken
    expect(slices).toBeGreaterThanOrEqual(34);
    expect(slicesWhilePaused).toBeLessThanOrEqual(6);
    // the attachment (100 MB) or its raw message (137 MB) held whole would show here
    expect(liveDelta).toBeLessThan(64);
  });
});

import type express from 'express';
import Router from 'express-promise-router';
import type { HttpAuthService } from '@backstage/backend-plugin-api';
import { localeFromAcceptLanguage } from '@cocrm/plugin-access-common';
import { MAX_ATTACHMENT_BYTES, draftSendSchema, outboxResendSchema } from '@cocrm/plugin-mail-common';
import { z } from 'zod';
import { MailError } from '../errors';
import type { MailServices } from '../createMail';
import { cleanFilename, composeOf } from '../compose';
import type { ComposeCaller } from '../compose';
import { userContext } from './context';

const pageQuery = z.object({
  page: z.coerce.number({ error: 'invalidValue' }).int({ error: 'invalidValue' }).min(0, { error: 'invalidValue' }).max(100_000, { error: 'invalidValue' }).default(0),
  pageSize: z.coerce.number({ error: 'invalidValue' }).int({ error: 'invalidValue' }).min(1, { error: 'invalidValue' }).max(200, { error: 'invalidValue' }).default(50),
});
const outboxQuery = pageQuery.extend({
  status: z.enum(['queued', 'sending', 'sent', 'failed', 'uncertain'], { error: 'invalidValue' }).optional(),
});
const uuid = z.uuid();
const versionQuery = z.object({ version: z.coerce.number({ error: 'required' }).int({ error: 'invalidValue' }) });

function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw MailError.validation(result.error.issues);
  return result.data;
}

/** Past this, an oversized upload is cut off instead of drained (a client that never stops sending). */
const DRAIN_LIMIT = 4 * MAX_ATTACHMENT_BYTES;

/**
 * Reads a raw upload into memory up to `limit` bytes. Beyond it the rest is
 * drained (not kept) so the client reads our 413 instead of a reset
 * connection; only absurd sizes are cut off.
 */
function readUpload(req: express.Request, limit: number): Promise<Buffer | 'tooLarge'> {
  return new Promise((resolve, reject) => {
    // a body parser took it already (a JSON content type): uploads must come as raw bytes
    if (req.readableEnded) {
      reject(new MailError(400, 'badRequest'));
      return;
    }
    const declared = Number(req.header('content-length'));
    if (Number.isFinite(declared) && declared > DRAIN_LIMIT) {
      req.destroy();
      resolve('tooLarge');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = Number.isFinite(declared) && declared > limit;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      if (!over) chunks.push(chunk);
      else chunks.length = 0;
      if (size > DRAIN_LIMIT) {
        req.destroy();
        resolve('tooLarge');
      }
    });
    req.once('end', () => resolve(over ? 'tooLarge' : Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

/**
 * Compose / send API: drafts (only their creator's), attachments as raw
 * uploads, sending through the outbox, and the outbox's retry / confirmed
 * resend.
 */
export function composeRoutes(deps: { mail: MailServices; httpAuth: HttpAuthService }) {
  const { httpAuth, mail } = deps;
  const { drafts, outbox } = composeOf(mail);
  const router = Router();

  // a malformed id names nothing the caller could see (and PostgreSQL would refuse it as a uuid)
  const ids: Array<[string, 'draftNotFound' | 'attachmentNotFound' | 'outboxNotFound']> = [
    ['id', 'draftNotFound'],
    ['attachmentId', 'attachmentNotFound'],
    ['outboxId', 'outboxNotFound'],
  ];
  for (const [name, key] of ids) {
    router.param(name, (_req, _res, next, value: string) => next(uuid.safeParse(value).success ? undefined : new MailError(404, key)));
  }

  const caller = async (req: express.Request): Promise<ComposeCaller> => {
    const c = await userContext(httpAuth, req);
    return { ...c, locale: localeFromAcceptLanguage(req.header('accept-language')) };
  };

  router.get('/drafts', async (req, res) => {
    const c = await caller(req);
    res.json(await drafts.list(c, parse(pageQuery, req.query)));
  });

  router.post('/drafts', async (req, res) => {
    const c = await caller(req);
    res.status(201).json(await drafts.create(c, req.body));
  });

  router.get('/drafts/:id', async (req, res) => {
    res.json(await drafts.get(await caller(req), req.params.id));
  });

  router.put('/drafts/:id', async (req, res) => {
    res.json(await drafts.update(await caller(req), req.params.id, req.body));
  });

  router.delete('/drafts/:id', async (req, res) => {
    const c = await caller(req);
    await drafts.remove(c, req.params.id, parse(versionQuery, req.query).version);
    res.status(204).end();
  });

  router.post('/drafts/:id/attachments', async (req, res) => {
    const c = await caller(req);
    // before reading the body: an unknown draft or a nameless file must not cost an upload
    const remaining = await drafts.remainingAttachmentBytes(c, req.params.id).catch(e => {
      req.resume();
      throw e;
    });
    const filename = cleanFilename(typeof req.query.filename === 'string' ? req.query.filename : '');
    if (!filename) {
      // let the client finish sending so it reads the answer rather than a reset connection
      req.resume();
      throw new MailError(400, 'validationFailed', {}, [{ path: 'filename', key: 'filenameRequired' }]);
    }
    const content = await readUpload(req, Math.min(MAX_ATTACHMENT_BYTES, remaining));
    if (content === 'tooLarge') throw new MailError(413, 'attachmentTooLarge');
    res.status(201).json(await drafts.addAttachment(c, req.params.id, filename, content));
  });

  router.delete('/drafts/:id/attachments/:attachmentId', async (req, res) => {
    await drafts.removeAttachment(await caller(req), req.params.id, req.params.attachmentId);
    res.status(204).end();
  });

  router.post('/drafts/:id/send', async (req, res) => {
    const c = await caller(req);
    const { version } = parse(draftSendSchema, req.body);
    res.status(202).json(await drafts.send(c, req.params.id, version));
  });

  router.get('/outbox', async (req, res) => {
    const c = await caller(req);
    res.json(await outbox.list(c.actor, parse(outboxQuery, req.query), c.locale));
  });

  router.get('/outbox/:outboxId', async (req, res) => {
    const c = await caller(req);
    res.json(await outbox.get(c.actor, req.params.outboxId, c.locale));
  });

  /** Sending again needs the right to send from the mailbox now, not only when the draft was sent. */
  const mayStillSend = async (c: ComposeCaller, id: string) => {
    const item = await outbox.get(c.actor, id, c.locale);
    await mail.access.assertCanSend(c.credentials, item.accountId);
  };

  router.post('/outbox/:outboxId/retry', async (req, res) => {
    const c = await caller(req);
    await mayStillSend(c, req.params.outboxId);
    res.status(202).json(await outbox.retry(c.actor, req.params.outboxId, c.locale));
  });

  router.post('/outbox/:outboxId/resend', async (req, res) => {
    const c = await caller(req);
    parse(outboxResendSchema, req.body ?? {});
    await mayStillSend(c, req.params.outboxId);
    res.status(202).json(await outbox.resend(c.actor, req.params.outboxId, c.locale));
  });

  return router;
}

import type express from 'express';
import Router from 'express-promise-router';
import type { HttpAuthService } from '@backstage/backend-plugin-api';
import { messageFlagsInputSchema, remoteImageSenderInputSchema, threadQuerySchema } from '@cocrm/plugin-mail-common';
import { z } from 'zod';
import { MailError } from '../errors';
import type { MailServices } from '../createMail';
import { sendRawMessage, sendStoredAttachment } from '../webmail/download';
import { webmailOf } from '../webmail';
import { userContext } from './context';

/** ?remoteImages=show: this answer loads the message's remote images (the routed thread view takes the same) */
export const viewQuery = z.object({ remoteImages: z.enum(['show', 'block']).optional() });
export const indexParam = z.coerce.number().int().min(0).max(10_000);

/** JSON that carries mail HTML: should anything ever render it as a page, nothing in it may run. */
export function htmlJsonHeaders(res: express.Response) {
  res.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'; sandbox");
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'private, no-store');
}

function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw MailError.validation(r.error.issues);
  return r.data;
}

/**
 * Webmail, read side (issue 5 §7, §8): mailboxes and folders, threads with
 * search, messages with sanitized HTML, attachments and the raw message as
 * downloads, flags, and the senders whose remote images load. Everything is
 * limited to live copies in mailboxes the caller may read; anything else
 * reads as not found.
 */
export function webmailRoutes(deps: { mail: MailServices; httpAuth: HttpAuthService }) {
  const { mail, httpAuth } = deps;
  const { webmail, senders } = webmailOf(mail);
  const store = { knex: mail.env.knex, raw: mail.raw };
  const router = Router();

  const scoped = async (req: express.Request) => {
    const c = await userContext(httpAuth, req);
    return { c, scope: await webmail.scope(c.credentials) };
  };

  router.get('/mailboxes', async (req, res) => {
    const { scope } = await scoped(req);
    res.json({ items: await webmail.mailboxes(scope) });
  });

  router.get('/threads', async (req, res) => {
    const { scope } = await scoped(req);
    res.json(await webmail.threads(scope, parse(threadQuerySchema, req.query)));
  });

  router.get('/threads/:threadId', async (req, res) => {
    const { scope } = await scoped(req);
    const q = parse(viewQuery, req.query);
    const thread = await webmail.thread(scope, req.params.threadId, { showRemoteImages: q.remoteImages === 'show' });
    htmlJsonHeaders(res);
    res.json(thread);
  });

  router.get('/messages/:id', async (req, res) => {
    const { scope } = await scoped(req);
    const q = parse(viewQuery, req.query);
    const message = await webmail.message(scope, req.params.id, { showRemoteImages: q.remoteImages === 'show' });
    htmlJsonHeaders(res);
    res.json(message);
  });

  router.get('/messages/:id/attachments/:index', async (req, res) => {
    const { scope } = await scoped(req);
    const index = indexParam.safeParse(req.params.index);
    const source = await webmail.rawOf(scope, req.params.id);
    const meta = index.success ? source.attachments[index.data] : undefined;
    if (!index.success || !meta) throw new MailError(404, 'attachmentNotFound');
    await sendStoredAttachment(res, store, { rawRef: source.rawRef, index: index.data, meta });
  });

  router.get('/messages/:id/raw', async (req, res) => {
    const { scope } = await scoped(req);
    const source = await webmail.rawOf(scope, req.params.id);
    await sendRawMessage(res, store, source.rawRef, source.subject);
  });

  router.post('/messages/:id/flags', async (req, res) => {
    const { c, scope } = await scoped(req);
    const input = parse(messageFlagsInputSchema, req.body);
    res.json(await webmail.setFlags(scope, req.params.id, input, c.actor));
  });

  router.get('/remote-images/senders', async (req, res) => {
    const c = await userContext(httpAuth, req);
    res.json({ items: await senders.list(c.actor) });
  });

  router.post('/remote-images/senders', async (req, res) => {
    const c = await userContext(httpAuth, req);
    const input = parse(remoteImageSenderInputSchema, req.body);
    res.status(201).json(await senders.add(c.actor, input.address));
  });

  router.delete('/remote-images/senders/:address', async (req, res) => {
    const c = await userContext(httpAuth, req);
    await senders.remove(c.actor, req.params.address);
    res.status(204).end();
  });

  return router;
}

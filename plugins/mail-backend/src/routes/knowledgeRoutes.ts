import Router from 'express-promise-router';
import type { HttpAuthService } from '@backstage/backend-plugin-api';
import { localeFromAcceptLanguage } from '@cocrm/plugin-access-common';
import { knowledgeCreateSchema, knowledgeQuerySchema, mailMessage } from '@cocrm/plugin-mail-common';
import { z } from 'zod';
import { MailError } from '../errors';
import type { MailServices } from '../createMail';
import { sendStoredAttachment } from '../webmail/download';
import { webmailOf } from '../webmail';
import { jsonList } from '../webmail/messageViews';
import { userContext } from './context';
import { htmlJsonHeaders } from './webmailRoutes';
import { toIso } from '@cocrm/plugin-access-node';
import type { MailAddress } from '@cocrm/plugin-mail-common';

const indexParam = z.coerce.number().int().min(0).max(10_000);
const viewQuery = z.object({ remoteImages: z.enum(['show', 'block']).optional() });

function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw MailError.validation(r.error.issues);
  return r.data;
}

/**
 * 转为知识: save a readable mail as a knowledge item (kept with its
 * attachments until the knowledge base exists), list and read one's items,
 * download their attachments.
 */
export function knowledgeRoutes(deps: { mail: MailServices; httpAuth: HttpAuthService }) {
  const { mail, httpAuth } = deps;
  const { webmail, knowledge } = webmailOf(mail);
  const store = { knex: mail.env.knex, raw: mail.raw };
  const router = Router();

  router.post('/messages/:id/knowledge', async (req, res) => {
    const c = await userContext(httpAuth, req);
    const scope = await webmail.scope(c.credentials);
    const input = parse(knowledgeCreateSchema, req.body ?? {});
    const row = await webmail.messageRow(scope, req.params.id);
    if (row.parse_status !== 'parsed') throw new MailError(409, 'messageNotParsed');
    const { rawRef, attachments } = await webmail.rawOf(scope, row.id);
    const locale = localeFromAcceptLanguage(req.header('accept-language'));
    const item = await knowledge.create(
      {
        id: row.id,
        rawRef,
        subject: row.subject,
        from: jsonList<MailAddress>(row.from_json),
        to: jsonList<MailAddress>(row.to_json),
        cc: jsonList<MailAddress>(row.cc_json),
        receivedAt: toIso(row.received_at),
        text: row.text_body,
        html: row.html_body,
        attachments,
      },
      input,
      c.actor,
      mailMessage(locale, 'noSubject'),
    );
    htmlJsonHeaders(res);
    res.status(201).json(item);
  });

  router.get('/knowledge', async (req, res) => {
    const c = await userContext(httpAuth, req);
    res.json(await knowledge.list(c.actor, parse(knowledgeQuerySchema, req.query)));
  });

  router.get('/knowledge/:id', async (req, res) => {
    const c = await userContext(httpAuth, req);
    const q = parse(viewQuery, req.query);
    const item = await knowledge.get(c.actor, req.params.id, { showRemoteImages: q.remoteImages === 'show' });
    htmlJsonHeaders(res);
    res.json(item);
  });

  router.delete('/knowledge/:id', async (req, res) => {
    const c = await userContext(httpAuth, req);
    await knowledge.remove(c.actor, req.params.id, c.actor);
    res.status(204).end();
  });

  router.get('/knowledge/:id/attachments/:index', async (req, res) => {
    const c = await userContext(httpAuth, req);
    const index = indexParam.safeParse(req.params.index);
    if (!index.success) throw new MailError(404, 'attachmentNotFound');
    const { rawRef, attachment } = await knowledge.attachmentSource(c.actor, req.params.id, index.data);
    await sendStoredAttachment(res, store, { rawRef, index: attachment.index, meta: attachment });
  });

  return router;
}

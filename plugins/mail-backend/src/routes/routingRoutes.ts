import Router from 'express-promise-router';
import type { HttpAuthService, LoggerService, PermissionsService } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { mailAccountUpdatePermission, threadLinkInputSchema } from '@cocrm/plugin-mail-common';
import { z } from 'zod';
import { MailError } from '../errors';
import type { MailServices } from '../createMail';
import { CustomerVisibility, routingOf } from '../routing';
import { RoutedThreadView } from '../routing/RoutedThreadView';
import { webmailOf } from '../webmail';
import { sendStoredAttachment } from '../webmail/download';
import { userContext } from './context';
import { htmlJsonHeaders, indexParam, viewQuery } from './webmailRoutes';

const id = z.uuid({ error: 'invalidValue' });
const before = z.union([z.uuid(), z.iso.datetime({ offset: true })], { error: 'invalidValue' });
const customerQuery = z.object({
  before: before.optional(),
  limit: z.coerce.number({ error: 'invalidValue' }).int({ error: 'invalidValue' }).min(1, { error: 'invalidValue' }).max(100, { error: 'invalidValue' }).default(20),
});
const pageQuery = z.object({
  page: z.coerce.number({ error: 'invalidValue' }).int({ error: 'invalidValue' }).min(0, { error: 'invalidValue' }).default(0),
  pageSize: z.coerce.number({ error: 'invalidValue' }).int({ error: 'invalidValue' }).min(1, { error: 'invalidValue' }).max(200, { error: 'invalidValue' }).default(50),
});

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw MailError.validation(r.error.issues);
  return r.data;
}

/** A malformed id names nothing the caller could see. */
function idOr404(value: string, key: 'threadNotFound' | 'customerNotFound' | 'messageNotFound'): string {
  if (!id.safeParse(value).success) throw new MailError(404, key);
  return value.toLowerCase();
}

/**
 * Routing into customer records: a thread's customers and the reader's manual
 * choices, the routed mail of a customer (CRM timeline, called on behalf of
 * the viewer) or contact, re-matching everything (administrators), and lead
 * suggestions. Visibility rules live in routing/RoutedMail and ThreadLinks.
 */
export function routingRoutes(deps: { mail: MailServices; httpAuth: HttpAuthService; permissions: PermissionsService; logger?: LoggerService }) {
  const { mail, httpAuth, permissions } = deps;
  const logger = deps.logger ?? mail.env.logger;
  const router = Router();

  router.get('/threads/:threadId/links', async (req, res) => {
    const c = await userContext(httpAuth, req);
    const threadId = idOr404(req.params.threadId, 'threadNotFound');
    res.json({ items: await routingOf(mail).links.list(c.credentials, threadId) });
  });

  router.post('/threads/:threadId/links', async (req, res) => {
    const c = await userContext(httpAuth, req);
    const threadId = idOr404(req.params.threadId, 'threadNotFound');
    const body = parse(threadLinkInputSchema, req.body);
    res.status(201).json(await routingOf(mail).links.link(c.credentials, threadId, body.customerId.toLowerCase()));
  });

  router.delete('/threads/:threadId/links/:customerId', async (req, res) => {
    const c = await userContext(httpAuth, req);
    const threadId = idOr404(req.params.threadId, 'threadNotFound');
    const customerId = idOr404(req.params.customerId, 'customerNotFound');
    await routingOf(mail).links.unlink(c.credentials, threadId, customerId);
    res.status(204).end();
  });

  router.get('/routed/customers/:customerId', async (req, res) => {
    const c = await userContext(httpAuth, req);
    const q = parse(customerQuery, req.query);
    if (!id.safeParse(req.params.customerId).success) {
      res.json({ items: [] });
      return;
    }
    res.json({ items: await routingOf(mail).routed.forCustomer(c.credentials, req.params.customerId.toLowerCase(), q) });
  });

  router.get('/routed/contacts/:contactId', async (req, res) => {
    const c = await userContext(httpAuth, req);
    const q = parse(pageQuery, req.query);
    if (!id.safeParse(req.params.contactId).success) {
      res.json({ items: [], totalCount: 0, page: q.page, pageSize: q.pageSize });
      return;
    }
    res.json(await routingOf(mail).routed.forContact(c.credentials, req.params.contactId.toLowerCase(), q));
  });

  /** Everything again (contacts or domains changed in bulk): administrators only; manual choices stay. */
  router.post('/routing/rematch', async (req, res) => {
    const c = await userContext(httpAuth, req);
    const [d] = await permissions.authorizeConditional([{ permission: mailAccountUpdatePermission }], { credentials: c.credentials });
    if (d.result !== AuthorizeResult.ALLOW) throw new MailError(403, 'forbidden');
    const routing = routingOf(mail).service;
    const queued = await routing.rematchAll();
    // the scheduler's next run would take them as well; starting now only saves the wait
    routing.routePending().catch(e => logger.warn(`Re-matching mail: ${e instanceof Error ? e.message : String(e)}`));
    res.status(202).json({ queued });
  });

  router.get('/lead-suggestions', async (req, res) => {
    const c = await userContext(httpAuth, req);
    res.json(await routingOf(mail).leads.list(c.credentials, parse(pageQuery, req.query)));
  });

  // a routed thread read through the customer it is linked to, by colleagues who may not read the mailbox (read-only)
  let routedThreads: RoutedThreadView | undefined;
  const threadsThroughCustomers = () =>
    (routedThreads ??= new RoutedThreadView({
      knex: mail.env.knex,
      access: mail.access,
      customers: new CustomerVisibility(mail.env.permissions),
      routed: routingOf(mail).routed,
      senders: webmailOf(mail).senders,
    }));

  router.get('/routed/customers/:customerId/threads/:threadId', async (req, res) => {
    const c = await userContext(httpAuth, req);
    const customerId = idOr404(req.params.customerId, 'threadNotFound');
    const threadId = idOr404(req.params.threadId, 'threadNotFound');
    const q = parse(viewQuery, req.query);
    const thread = await threadsThroughCustomers().thread(c.credentials, customerId, threadId, { showRemoteImages: q.remoteImages === 'show' });
    htmlJsonHeaders(res);
    res.json(thread);
  });

  router.get('/routed/customers/:customerId/messages/:messageId/attachments/:index', async (req, res) => {
    const c = await userContext(httpAuth, req);
    const customerId = idOr404(req.params.customerId, 'messageNotFound');
    const messageId = idOr404(req.params.messageId, 'messageNotFound');
    const index = indexParam.safeParse(req.params.index);
    if (!index.success) throw new MailError(404, 'attachmentNotFound');
    const source = await threadsThroughCustomers().attachment(c.credentials, customerId, messageId, index.data);
    await sendStoredAttachment(res, { knex: mail.env.knex, raw: mail.raw }, { rawRef: source.rawRef, index: index.data, meta: source.meta });
  });

  return router;
}

import Router from 'express-promise-router';
import type { HttpAuthService, PermissionsService } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  MailAccount,
  mailAccountCreatePermission,
  mailAccountDeletePermission,
  mailAccountUpdatePermission,
} from '@cocrm/plugin-mail-common';
import { z } from 'zod';
import { MailError } from '../errors';
import type { MailServices } from '../createMail';
import { graphOf } from '../graph';
import { RequestContext, userContext } from './context';

const deleteQuery = z.object({ version: z.coerce.number({ error: 'required' }).int({ error: 'invalidValue' }) });

/**
 * Mailbox settings, sync state and failures. Owners manage their own
 * mailboxes; shared ones and others' need `mail.account.*` by data scope;
 * readers of a shared mailbox see its settings and sync state. A mailbox one
 * may not see reads as not found, so ids do not leak.
 */
export function accountRoutes(deps: { mail: MailServices; httpAuth: HttpAuthService; permissions: PermissionsService }) {
  const { mail, httpAuth, permissions } = deps;
  const router = Router();

  /** mail.account.update without conditions: may manage every mailbox, shared ones included */
  const isAdmin = async (c: RequestContext) => {
    const [d] = await permissions.authorizeConditional([{ permission: mailAccountUpdatePermission }], { credentials: c.credentials });
    return d.result === AuthorizeResult.ALLOW;
  };

  /** The account if the caller may see it; for changes also the right to change it (403 when seen but not changeable). */
  const account = async (c: RequestContext, id: string, change?: 'update' | 'delete'): Promise<MailAccount> => {
    const found = await mail.accounts.get(id).catch(() => undefined);
    if (!found) throw new MailError(404, 'accountNotFound');
    const visible =
      found.owner === c.actor ||
      (await mail.access.readableAccountIds(c.credentials, 'settings')).includes(id) ||
      (await mail.access.readableAccountIds(c.credentials, 'mail')).includes(id);
    if (!visible) throw new MailError(404, 'accountNotFound');
    if (!change) return found;
    if (found.owner === c.actor && found.kind === 'personal') return found;
    const permission = change === 'update' ? mailAccountUpdatePermission : mailAccountDeletePermission;
    const [d] = await permissions.authorizeConditional([{ permission }], { credentials: c.credentials });
    if (d.result === AuthorizeResult.ALLOW) return found;
    if (d.result === AuthorizeResult.CONDITIONAL) {
      const [r] = await permissions.authorize([{ permission, resourceRef: id }], { credentials: c.credentials });
      if (r.result === AuthorizeResult.ALLOW && found.kind === 'personal') return found;
    }
    throw new MailError(403, found.kind === 'shared' ? 'sharedNeedsAdmin' : 'forbidden');
  };

  router.get('/accounts', async (req, res) => {
    const c = await userContext(httpAuth, req);
    const ids = new Set([
      ...(await mail.access.readableAccountIds(c.credentials, 'settings')),
      ...(await mail.access.readableAccountIds(c.credentials, 'mail')),
    ]);
    res.json({ items: await mail.accounts.listByIds([...ids]) });
  });

  /** Which kinds of mailbox this portal can connect: Microsoft 365 only when mail.microsoft is configured. */
  router.get('/accounts/providers', async (req, res) => {
    await userContext(httpAuth, req);
    res.json({ imap: true, graph: !!graphOf(mail) });
  });

  router.post('/accounts', async (req, res) => {
    const c = await userContext(httpAuth, req);
    const [d] = await permissions.authorize([{ permission: mailAccountCreatePermission }], { credentials: c.credentials });
    if (d.result !== AuthorizeResult.ALLOW) throw new MailError(403, 'forbidden');
    const created = await mail.accounts.connect(c.actor, req.body, c.actor, await isAdmin(c));
    res.status(201).json(created);
  });

  /** Tries the login before saving; with `accountId` the stored password fills an empty one. */
  router.post('/accounts/test', async (req, res) => {
    const c = await userContext(httpAuth, req);
    const accountId = typeof req.body?.accountId === 'string' ? req.body.accountId : undefined;
    const stored = accountId ? await account(c, accountId, 'update') : undefined;
    if (req.body?.provider === 'graph') {
      const mailbox = z.object({ graphMailbox: z.email({ error: 'invalidEmail' }) }).safeParse(req.body);
      if (!mailbox.success) throw MailError.validation(mailbox.error.issues);
      const graph = graphOf(mail);
      if (!graph) throw new MailError(400, 'validationFailed', {}, [{ path: 'provider', key: 'graphNotConfigured' }]);
      const problem = await graph.sync.checkMailbox(mailbox.data.graphMailbox);
      if (problem) throw new MailError(400, 'graphMailboxFailed', { reason: problem });
      res.json({ graph: 'ok' });
      return;
    }
    res.json(await mail.accounts.test(req.body, stored));
  });

  router.get('/accounts/:id', async (req, res) => {
    res.json(await account(await userContext(httpAuth, req), req.params.id));
  });

  router.put('/accounts/:id', async (req, res) => {
    const c = await userContext(httpAuth, req);
    await account(c, req.params.id, 'update');
    res.json(await mail.accounts.update(req.params.id, req.body, c.actor, await isAdmin(c)));
  });

  router.delete('/accounts/:id', async (req, res) => {
    const c = await userContext(httpAuth, req);
    await account(c, req.params.id, 'delete');
    const q = deleteQuery.safeParse(req.query);
    if (!q.success) throw MailError.validation(q.error.issues);
    await mail.accounts.remove(req.params.id, q.data.version, c.actor, await isAdmin(c));
    res.status(204).end();
  });

  router.get('/accounts/:id/sync-state', async (req, res) => {
    await account(await userContext(httpAuth, req), req.params.id);
    res.json(await mail.sync.syncState(req.params.id));
  });

  /** 立即同步: runs the account's sync now (the scheduler would within a minute); answers when it finished. */
  router.post('/accounts/:id/sync', async (req, res) => {
    await account(await userContext(httpAuth, req), req.params.id);
    const result = await mail.syncNow(req.params.id);
    res.json(result);
  });

  /** A failed message is retried by whoever may see an account holding a copy of it (the parse is the same for all). */
  router.post('/accounts/:id/messages/:messageId/retry', async (req, res) => {
    await account(await userContext(httpAuth, req), req.params.id);
    if (!(await mail.messages.belongsTo(req.params.messageId, req.params.id))) throw new MailError(404, 'messageNotFound');
    const parsed = await mail.sync.retryFailed(req.params.messageId);
    res.json({ parsed, message: await mail.messages.message(req.params.messageId) });
  });

  return router;
}

import express from 'express';
import Router from 'express-promise-router';
import { BackstageCredentials, HttpAuthService, PermissionsService } from '@backstage/backend-plugin-api';
import {
  MailAccount,
  MailAccountPermission,
  isAllowed,
  mailAccountCreatePermission,
  mailAccountDeletePermission,
  mailAccountReadPermission,
  mailAccountUpdatePermission,
} from '@cocrm/plugin-mail-common';
import { z } from 'zod';
import { MailError, mailErrorHandler } from './errors';
import type { MailServices } from './createMail';

interface RequestContext {
  credentials: BackstageCredentials;
  actor: string;
}

const deleteQuery = z.object({ version: z.coerce.number({ error: 'required' }).int({ error: 'invalidValue' }) });

/**
 * The mail HTTP API (accounts, sync state, failures, retry). Owners always
 * manage their own mailboxes; anyone else needs the mail.account permission
 * with scope "all" for now — department scopes arrive with the
 * permissionsRegistry rules (IS_OWNER / IN_DEPARTMENT) in the next session.
 * Accounts one may not see read as not found, so ids do not leak.
 */
export async function createRouter(deps: { mail: MailServices; httpAuth: HttpAuthService; permissions: PermissionsService }) {
  const { mail, httpAuth, permissions } = deps;
  const router = Router();
  router.use(express.json({ limit: '100kb' }));

  const ctx = async (req: express.Request): Promise<RequestContext> => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    return { credentials, actor: credentials.principal.userEntityRef };
  };

  /** The account if the caller owns it or holds the permission for every account. */
  const account = async (c: RequestContext, id: string, permission: MailAccountPermission): Promise<MailAccount> => {
    const found = await mail.accounts.get(id).catch(() => undefined);
    if (!found) throw new MailError(404, 'accountNotFound');
    if (found.owner === c.actor) return found;
    const [d] = await permissions.authorizeConditional([{ permission }], { credentials: c.credentials });
    if (isAllowed(d)) return found;
    if (permission === mailAccountReadPermission) throw new MailError(404, 'accountNotFound');
    // may see it (read) but not change it → 403; may not even see it → 404
    const [r] = await permissions.authorizeConditional([{ permission: mailAccountReadPermission }], { credentials: c.credentials });
    throw isAllowed(r) ? new MailError(403, 'forbidden') : new MailError(404, 'accountNotFound');
  };

  router.get('/accounts', async (req, res) => {
    const c = await ctx(req);
    res.json({ items: await mail.accounts.list(c.actor) });
  });

  router.post('/accounts', async (req, res) => {
    const c = await ctx(req);
    const [d] = await permissions.authorize([{ permission: mailAccountCreatePermission }], { credentials: c.credentials });
    if (!isAllowed(d)) throw new MailError(403, 'forbidden');
    res.status(201).json(await mail.accounts.connect(c.actor, req.body, c.actor));
  });

  router.get('/accounts/:id', async (req, res) => {
    res.json(await account(await ctx(req), req.params.id, mailAccountReadPermission));
  });

  router.put('/accounts/:id', async (req, res) => {
    const c = await ctx(req);
    await account(c, req.params.id, mailAccountUpdatePermission);
    res.json(await mail.accounts.update(req.params.id, req.body, c.actor));
  });

  router.delete('/accounts/:id', async (req, res) => {
    const c = await ctx(req);
    await account(c, req.params.id, mailAccountDeletePermission);
    const q = deleteQuery.safeParse(req.query);
    if (!q.success) throw MailError.validation(q.error.issues);
    await mail.accounts.remove(req.params.id, q.data.version, c.actor);
    res.status(204).end();
  });

  router.get('/accounts/:id/sync-state', async (req, res) => {
    await account(await ctx(req), req.params.id, mailAccountReadPermission);
    res.json(await mail.sync.syncState(req.params.id));
  });

  /** A failed message is retried by whoever may read an account holding a copy of it. */
  router.post('/accounts/:id/messages/:messageId/retry', async (req, res) => {
    await account(await ctx(req), req.params.id, mailAccountUpdatePermission);
    if (!(await mail.messages.belongsTo(req.params.messageId, req.params.id))) throw new MailError(404, 'messageNotFound');
    const parsed = await mail.sync.retryFailed(req.params.messageId);
    res.json({ parsed, message: await mail.messages.message(req.params.messageId) });
  });

  router.use(mailErrorHandler);
  return router;
}

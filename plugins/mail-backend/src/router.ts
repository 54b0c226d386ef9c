import express from 'express';
import Router from 'express-promise-router';
import type { AuditorService, HttpAuthService, PermissionsService } from '@backstage/backend-plugin-api';
import { mailErrorHandler } from './errors';
import type { MailServices } from './createMail';
import { accountRoutes } from './routes/accountRoutes';
import { routingRoutes } from './routes/routingRoutes';
import { composeRoutes } from './routes/composeRoutes';
import { webmailRoutes } from './routes/webmailRoutes';
import { knowledgeRoutes } from './routes/knowledgeRoutes';

/**
 * Every change through the mail API goes to Backstage's auditor, one event per
 * request named for its area (mail-post-accounts, mail-post-drafts …), failed
 * when the answer is an error. Reads are not audited: a mailbox is read all day.
 */
function auditMutations(auditor: AuditorService): express.RequestHandler {
  return (req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') {
      next();
      return;
    }
    const area = req.path.split('/').filter(Boolean)[0] ?? 'root';
    auditor
      .createEvent({ eventId: `mail-${req.method.toLowerCase()}-${area}`, request: req, severityLevel: 'medium', meta: { path: req.path } })
      .then(event => {
        res.on('finish', () => {
          const done = res.statusCode < 400 ? event.success() : event.fail({ error: new Error(`HTTP ${res.statusCode}`) });
          done.catch(() => undefined);
        });
        next();
      }, next);
  };
}

/**
 * The mail HTTP API, one router per area (accounts, webmail, compose,
 * routing, knowledge); each checks who may read which mailbox through
 * `mail.access` and answers errors in the caller's language.
 */
export async function createRouter(deps: { mail: MailServices; httpAuth: HttpAuthService; permissions: PermissionsService; auditor?: AuditorService }) {
  const router = Router();
  if (deps.auditor) router.use(auditMutations(deps.auditor));
  router.use(express.json({ limit: '2mb' }));
  router.use(accountRoutes(deps));
  router.use(routingRoutes(deps));
  router.use(composeRoutes(deps));
  router.use(webmailRoutes(deps));
  router.use(knowledgeRoutes(deps));
  router.use(mailErrorHandler);
  return router;
}

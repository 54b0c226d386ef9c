import express from 'express';
import Router from 'express-promise-router';
import type { HttpAuthService, PermissionsService } from '@backstage/backend-plugin-api';
import { mailErrorHandler } from './errors';
import type { MailServices } from './createMail';
import { accountRoutes } from './routes/accountRoutes';
import { routingRoutes } from './routes/routingRoutes';
import { composeRoutes } from './routes/composeRoutes';
import { webmailRoutes } from './routes/webmailRoutes';
import { knowledgeRoutes } from './routes/knowledgeRoutes';

/**
 * The mail HTTP API, one router per area (accounts, webmail, compose,
 * routing, knowledge); each checks who may read which mailbox through
 * `mail.access` and answers errors in the caller's language.
 */
export async function createRouter(deps: { mail: MailServices; httpAuth: HttpAuthService; permissions: PermissionsService }) {
  const router = Router();
  router.use(express.json({ limit: '2mb' }));
  router.use(accountRoutes(deps));
  router.use(routingRoutes(deps));
  router.use(composeRoutes(deps));
  router.use(webmailRoutes(deps));
  router.use(knowledgeRoutes(deps));
  router.use(mailErrorHandler);
  return router;
}

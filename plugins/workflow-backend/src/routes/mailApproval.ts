import express from 'express';
import Router from 'express-promise-router';
import type { AccessLocale } from '@cocrm/plugin-access-common';
import { localeFromAcceptLanguage } from '@cocrm/plugin-access-common';
import { MAIL_PAGE_CSP, confirmationPage, errorPage, resultPage } from '../mail/html';
import { MAIL_COMMENT_MAX, MailActionError, MailApprovalService } from '../mail/MailApprovalService';
import { text } from '../mail/texts';

/** Where the routes live; the plugin lets them through without a Backstage token (the link's token is the credential). */
export const MAIL_ACTIONS_PATH = '/mail-actions';

function send(res: express.Response, status: number, html: string) {
  res
    .status(status)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': MAIL_PAGE_CSP,
      // the token is in the URL: it must not travel on as a Referer nor sit in a cache
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
    })
    .send(html);
}

function sendError(res: express.Response, locale: AccessLocale, e: unknown, approvals: MailApprovalService) {
  if (!(e instanceof MailActionError)) throw e;
  send(
    res,
    e.status,
    errorPage(locale, {
      message: e.refusal ? e.refusal.messageIn(locale) : text(locale, e.key, { max: MAIL_COMMENT_MAX }),
      spent: e.spent,
      portalUrl: e.instanceId ? approvals.portalUrl(e.instanceId) : undefined,
    }),
  );
}

/**
 * 邮件审批 links. GET only shows what the link would do (mail scanners and
 * link previews open links); the form on that page POSTs back to the same URL,
 * which decides. Pages are self-contained HTML in the browser's language.
 */
export function createMailApprovalRouter(deps: { approvals: MailApprovalService }) {
  const { approvals } = deps;
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '16kb' });

  router.get(`${MAIL_ACTIONS_PATH}/:token`, async (req, res) => {
    const locale = localeFromAcceptLanguage(req.get('accept-language'));
    try {
      send(res, 200, confirmationPage(locale, await approvals.inspect(req.params.token, locale)));
    } catch (e) {
      sendError(res, locale, e, approvals);
    }
  });

  router.post(`${MAIL_ACTIONS_PATH}/:token`, form, async (req, res) => {
    const locale = localeFromAcceptLanguage(req.get('accept-language'));
    const body = (req.body ?? {}) as Record<string, unknown>;
    const comment = typeof body.comment === 'string' ? body.comment : undefined;
    try {
      send(res, 200, resultPage(locale, await approvals.act(req.params.token, comment, locale)));
    } catch (e) {
      sendError(res, locale, e, approvals);
    }
  });

  return router;
}

import type { ErrorRequestHandler } from 'express';
import type { z } from 'zod';
import type { AccessLocale } from '@cocrm/plugin-access-common';
import { MailMessageKey, isMailMessageKey, mailMessage } from '@cocrm/plugin-mail-common';
import { localeFromAcceptLanguage } from '@cocrm/plugin-access-common';

type Status = 400 | 403 | 404 | 409 | 410 | 413 | 415 | 502 | 503;

const NAMES: Record<Status, string> = {
  400: 'InputError',
  403: 'NotAllowedError',
  404: 'NotFoundError',
  409: 'ConflictError',
  410: 'GoneError',
  413: 'PayloadTooLargeError',
  415: 'UnsupportedMediaTypeError',
  502: 'UpstreamError',
  503: 'ServiceUnavailableError',
};

/**
 * The mail API's one error type. It carries message keys rather than text
 * because the language is the caller's, known only when the answer is written.
 */
export class MailError extends Error {
  constructor(
    readonly status: Status,
    readonly key: MailMessageKey,
    readonly vars: Record<string, string | number> = {},
    readonly fields?: Array<{ path: string; key: MailMessageKey }>,
  ) {
    super(mailMessage('en', key, vars));
    this.name = NAMES[status];
  }

  messageIn(locale: AccessLocale): string {
    return mailMessage(locale, this.key, this.vars);
  }

  /** A schema failure, one message per field path (the first issue of a path wins). */
  static validation(issues: z.core.$ZodIssue[]): MailError {
    const fields: Array<{ path: string; key: MailMessageKey }> = [];
    for (const issue of issues) {
      const path = issue.path.map(String).join('.') || '_';
      if (!fields.some(f => f.path === path)) fields.push({ path, key: isMailMessageKey(issue.message) ? issue.message : 'invalidValue' });
    }
    return new MailError(400, 'validationFailed', {}, fields);
  }
}

/** Writes MailErrors in the caller's language (Accept-Language, zh-CN by default); others go on. */
export const mailErrorHandler: ErrorRequestHandler = (err, req, res, next) => {
  if (!(err instanceof MailError)) {
    next(err);
    return;
  }
  const locale = localeFromAcceptLanguage(req.header('accept-language'));
  res.status(err.status).json({
    error: {
      name: err.name,
      key: err.key,
      message: err.messageIn(locale),
      ...(err.fields ? { fields: err.fields.map(f => ({ path: f.path, key: f.key, message: mailMessage(locale, f.key) })) } : {}),
    },
  });
};

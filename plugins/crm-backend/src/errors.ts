import type { ErrorRequestHandler } from 'express';
import type { z } from 'zod';
import {
  CrmErrorBody,
  CrmLocale,
  CrmMessageKey,
  crmMessage,
  describeIssues,
  localeFromAcceptLanguage,
} from '@cocrm/plugin-crm-common';

type Vars = Record<string, string | number>;
type Status = 400 | 403 | 404 | 409 | 410 | 413 | 502;

const NAMES: Record<Status, string> = {
  400: 'InputError',
  403: 'NotAllowedError',
  404: 'NotFoundError',
  409: 'ConflictError',
  410: 'GoneError',
  413: 'PayloadTooLargeError',
  502: 'ServiceUnavailableError',
};

/** A refusal of another plugin (the workflow engine) passed on with its status, when it is one the CRM speaks. */
export function passableStatus(status: number): Status {
  return status === 400 || status === 403 || status === 404 || status === 409 || status === 410 ? status : 409;
}

/**
 * The CRM's one error type. It carries message keys rather than text because
 * the language is the caller's, known only when the response is written.
 */
export class CrmError extends Error {
  constructor(
    readonly status: Status,
    readonly key: CrmMessageKey,
    readonly vars: Vars = {},
    readonly extra: {
      fields?: Record<string, { key: CrmMessageKey; vars?: Vars }>;
      issues?: { list: z.core.$ZodIssue[]; input: unknown };
      existing?: NonNullable<CrmErrorBody['error']['existing']>;
    } = {},
  ) {
    super(key);
    this.name = NAMES[status];
  }

  static validation(issues: z.core.$ZodIssue[], input: unknown) {
    return new CrmError(400, 'validationFailed', {}, { issues: { list: issues, input } });
  }

  static field(path: string, key: CrmMessageKey, vars?: Vars, status: Status = 400) {
    return new CrmError(status, key, vars, { fields: { [path]: { key, vars } } });
  }

  toBody(locale: CrmLocale): CrmErrorBody {
    const fields: Record<string, string> = {};
    if (this.extra.issues) {
      Object.assign(fields, describeIssues(this.extra.issues.list, this.extra.issues.input, locale));
    }
    for (const [path, f] of Object.entries(this.extra.fields ?? {})) {
      fields[path] = crmMessage(locale, f.key, f.vars);
    }
    return {
      error: {
        name: this.name,
        message: crmMessage(locale, this.key, this.vars),
        ...(Object.keys(fields).length ? { fields } : {}),
        ...(this.extra.existing ? { existing: this.extra.existing } : {}),
      },
    };
  }
}

/** Writes CrmErrors in the caller's language; anything else goes to Backstage's handler. */
export const crmErrorHandler: ErrorRequestHandler = (err, req, res, next) => {
  if (err instanceof CrmError) {
    res.status(err.status).json(err.toBody(localeFromAcceptLanguage(req.get('accept-language'))));
    return;
  }
  if (err && (err as { type?: string }).type === 'entity.parse.failed') {
    res.status(400).json(new CrmError(400, 'badRequest').toBody(localeFromAcceptLanguage(req.get('accept-language'))));
    return;
  }
  next(err);
};

/** Parses with a shared schema or throws a field-level 400. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw CrmError.validation(result.error.issues, input);
  return result.data;
}

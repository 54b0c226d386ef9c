import type { ErrorRequestHandler } from 'express';
import type { z } from 'zod';
import {
  AccessLocale,
  AccessMessageKey,
  Label,
  localeFromAcceptLanguage,
  accessMessage,
  isAccessMessageKey,
} from '@cocrm/plugin-access-common';

/** A message variable: plain, or a label that is written in the caller's language. */
export type MessageVar = string | number | Label;
export type MessageVars = Record<string, MessageVar>;
type Status = 400 | 403 | 404 | 409 | 503;

const NAMES: Record<Status, string> = {
  400: 'InputError',
  403: 'NotAllowedError',
  404: 'NotFoundError',
  409: 'ConflictError',
  503: 'ServiceUnavailableError',
};

/** The body of every error answer of the access API. */
export interface AccessErrorBody {
  error: {
    name: string;
    message: string;
    /** field path ("grants.2.scope") → message in the caller's language */
    fields?: Record<string, string>;
    /** for a blocked handover: what blocks it, in the caller's language */
    problems?: string[];
  };
}

export interface FieldError {
  path: string;
  key: AccessMessageKey;
  vars?: MessageVars;
}

function resolveVars(vars: MessageVars, locale: AccessLocale): Record<string, string | number> {
  return Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, typeof v === 'object' ? v[locale] : v]));
}

/** A message in both languages, for problems that are stored or listed rather than thrown. */
export function label(key: AccessMessageKey, vars: MessageVars = {}): Label {
  return {
    'zh-CN': accessMessage('zh-CN', key, resolveVars(vars, 'zh-CN')),
    en: accessMessage('en', key, resolveVars(vars, 'en')),
  };
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let cur: unknown = input;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

/** One message per field path in the caller's language; the first issue of a path wins. */
function describeIssues(issues: z.core.$ZodIssue[], input: unknown, locale: AccessLocale): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    const path = issue.path.map(String).join('.') || '_';
    if (fields[path]) continue;
    let key: AccessMessageKey = isAccessMessageKey(issue.message) ? issue.message : 'invalidValue';
    const vars: Record<string, number> = {};
    if (issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined) key = 'required';
    else if (issue.code === 'too_big') vars.max = Number(issue.maximum);
    fields[path] = accessMessage(locale, key, vars);
  }
  return fields;
}

/**
 * The access API's one error type. It carries message keys rather than text
 * because the language is the caller's, known only when the answer is written.
 */
export class AccessError extends Error {
  constructor(
    readonly status: Status,
    readonly key: AccessMessageKey,
    readonly vars: MessageVars = {},
    readonly extra: {
      fields?: FieldError[];
      issues?: { list: z.core.$ZodIssue[]; input: unknown };
      problems?: Label[];
    } = {},
  ) {
    super(accessMessage('en', key, resolveVars(vars, 'en')));
    this.name = NAMES[status];
  }

  static validation(issues: z.core.$ZodIssue[], input: unknown) {
    return new AccessError(400, 'validationFailed', {}, { issues: { list: issues, input } });
  }

  /** Several field problems found by the services' own rules, answered together. */
  static fields(fields: FieldError[]) {
    return new AccessError(400, 'validationFailed', {}, { fields });
  }

  static field(path: string, key: AccessMessageKey, vars: MessageVars = {}) {
    return AccessError.fields([{ path, key, vars }]);
  }

  toBody(locale: AccessLocale): AccessErrorBody {
    const fields: Record<string, string> = {};
    if (this.extra.issues) Object.assign(fields, describeIssues(this.extra.issues.list, this.extra.issues.input, locale));
    for (const f of this.extra.fields ?? []) {
      fields[f.path] ??= accessMessage(locale, f.key, resolveVars(f.vars ?? {}, locale));
    }
    return {
      error: {
        name: this.name,
        message: accessMessage(locale, this.key, resolveVars(this.vars, locale)),
        ...(Object.keys(fields).length ? { fields } : {}),
        ...(this.extra.problems ? { problems: this.extra.problems.map(p => p[locale]) } : {}),
      },
    };
  }
}

/** Writes AccessErrors in the caller's language; anything else goes on to Backstage's handler. */
export const accessErrorHandler: ErrorRequestHandler = (err, req, res, next) => {
  const locale = localeFromAcceptLanguage(req.get('accept-language'));
  if (err instanceof AccessError) {
    res.status(err.status).json(err.toBody(locale));
    return;
  }
  if (err && (err as { type?: string }).type === 'entity.parse.failed') {
    res.status(400).json(new AccessError(400, 'badRequest').toBody(locale));
    return;
  }
  next(err);
};

/** Parses with a shared schema or throws a field-level 400. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw AccessError.validation(result.error.issues, input);
  return result.data;
}

/** Unique-index violations on either database, for turning races into 409s. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | undefined;
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || /UNIQUE constraint failed/.test(e?.message ?? '');
}

import type { ErrorRequestHandler } from 'express';
import type { z } from 'zod';
import type { AccessLocale, Label } from '@cocrm/plugin-access-common';
import { InstanceStatus, TaskStatus, WorkflowMessageKey, isWorkflowMessageKey, workflowMessage } from '@cocrm/plugin-workflow-common';
import { localeFromAcceptLanguage } from '@cocrm/plugin-access-common';

/** A message variable: plain, or a label that is written in the caller's language. */
export type MessageVar = string | number | Label;
export type MessageVars = Record<string, MessageVar>;
type Status = 400 | 403 | 404 | 409 | 410;

const NAMES: Record<Status, string> = {
  400: 'InputError',
  403: 'NotAllowedError',
  404: 'NotFoundError',
  409: 'ConflictError',
  410: 'GoneError',
};

function resolveVars(vars: MessageVars, locale: AccessLocale): Record<string, string | number> {
  return Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, typeof v === 'object' ? v[locale] : v]));
}

/**
 * The workflow API's one error type. It carries message keys rather than text
 * because the language is the caller's, known only when the answer is written.
 * 409 = someone else acted first (retrying after a reload may make sense);
 * 410 = what was acted on is gone for good (withdrawn, finished).
 */
export class WorkflowError extends Error {
  constructor(
    readonly status: Status,
    readonly key: WorkflowMessageKey,
    readonly vars: MessageVars = {},
    readonly problems?: Label[],
    /** field path → message key, for input that failed its schema */
    readonly fields?: Array<{ path: string; key: WorkflowMessageKey; vars?: Record<string, number> }>,
  ) {
    super(workflowMessage('en', key, resolveVars(vars, 'en')));
    this.name = NAMES[status];
  }

  /** The message in one language (tests and logs). */
  messageIn(locale: AccessLocale): string {
    return workflowMessage(locale, this.key, resolveVars(this.vars, locale));
  }

  /** A schema failure, one message per field path (the first issue of a path wins). */
  static validation(issues: z.core.$ZodIssue[]): WorkflowError {
    const fields: Array<{ path: string; key: WorkflowMessageKey; vars?: Record<string, number> }> = [];
    for (const issue of issues) {
      const path = issue.path.map(String).join('.') || '_';
      // the limit of a too-long value belongs in its message ("不能超过 100 个字符")
      const vars = issue.code === 'too_big' ? { max: Number(issue.maximum) } : undefined;
      if (!fields.some(f => f.path === path)) fields.push({ path, key: isWorkflowMessageKey(issue.message) ? issue.message : 'invalidValue', vars });
    }
    return new WorkflowError(400, 'validationFailed', {}, undefined, fields);
  }

  toBody(locale: AccessLocale) {
    return {
      error: {
        name: this.name,
        message: this.messageIn(locale),
        ...(this.problems ? { problems: this.problems.map(p => p[locale]) } : {}),
        ...(this.fields ? { fields: Object.fromEntries(this.fields.map(f => [f.path, workflowMessage(locale, f.key, f.vars)])) } : {}),
      },
    };
  }
}

const label = (key: WorkflowMessageKey): Label => ({ 'zh-CN': workflowMessage('zh-CN', key), en: workflowMessage('en', key) });

const INSTANCE_STATUS_KEYS: Record<InstanceStatus, WorkflowMessageKey> = {
  running: 'statusRunning',
  returned: 'statusReturned',
  approved: 'statusApproved',
  rejected: 'statusRejected',
  withdrawn: 'statusWithdrawn',
};

const TASK_STATUS_KEYS: Record<TaskStatus, WorkflowMessageKey> = {
  pending: 'statusRunning',
  queued: 'taskQueued',
  waiting: 'taskWaiting',
  approved: 'taskApproved',
  rejected: 'taskRejected',
  returned: 'taskReturned',
  transferred: 'taskTransferred',
  cancelled: 'taskCancelled',
  autoApproved: 'taskAutoApproved',
};

export const instanceStatusLabel = (s: InstanceStatus) => label(INSTANCE_STATUS_KEYS[s]);
export const taskStatusLabel = (s: TaskStatus) => label(TASK_STATUS_KEYS[s]);

/** Writes WorkflowErrors in the caller's language; anything else goes on to Backstage's handler. */
export const workflowErrorHandler: ErrorRequestHandler = (err, req, res, next) => {
  if (err instanceof WorkflowError) {
    res.status(err.status).json(err.toBody(localeFromAcceptLanguage(req.get('accept-language'))));
    return;
  }
  if (err && (err as { type?: string }).type === 'entity.parse.failed') {
    res.status(400).json(new WorkflowError(400, 'badRequest').toBody(localeFromAcceptLanguage(req.get('accept-language'))));
    return;
  }
  next(err);
};

/** Parses with a shared schema or throws a field-level 400. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw WorkflowError.validation(result.error.issues);
  return result.data;
}

/** Unique-index violations on either database, for turning races into 409s. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | undefined;
  return (
    e?.code === '23505' ||
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    /UNIQUE constraint failed/.test(e?.message ?? '')
  );
}

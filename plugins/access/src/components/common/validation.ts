import { accessMessage, isAccessMessageKey } from '@cocrm/plugin-access-common';
import type { AccessLocale, AccessMessageKey } from '@cocrm/plugin-access-common';

/** The part of a zod issue we read; the access schemas put message keys into `message`. */
interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
  maximum?: unknown;
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let cur: unknown = input;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

/**
 * Zod issues of the shared access schemas → field path → message in the UI
 * language, the same shape the backend answers with in `error.fields`, so
 * client and server errors land under the same fields.
 */
export function describeIssues(issues: readonly Issue[], input: unknown, locale: AccessLocale): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    const path = issue.path.map(String).join('.') || '_';
    if (fields[path]) continue;
    let key: AccessMessageKey = isAccessMessageKey(issue.message) ? issue.message : 'invalidValue';
    const vars: Record<string, string | number> = {};
    if (issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined) key = 'required';
    if (issue.code === 'too_big') vars.max = Number(issue.maximum);
    fields[path] = accessMessage(locale, key, vars);
  }
  return fields;
}

/** The first message for `field` or any path below it ("grants.3" → "grants.3.departments"). */
export function fieldError(errors: Record<string, string>, field: string): string | undefined {
  if (errors[field]) return errors[field];
  const key = Object.keys(errors).find(k => k.startsWith(`${field}.`));
  return key ? errors[key] : undefined;
}

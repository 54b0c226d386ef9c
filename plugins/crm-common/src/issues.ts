import type { z } from 'zod';
import { crmMessage, CrmLocale, CrmMessageKey, isCrmMessageKey } from './messages';


function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let cur: unknown = input;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

/**
 * Turns zod issues into one message per field path ("emails.1" → "邮箱格式不正确"),
 * in the caller's language. The first issue of a path wins.
 */
export function describeIssues(
  issues: z.core.$ZodIssue[],
  input: unknown,
  locale: CrmLocale,
): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    const path = issue.path.map(String).join('.') || '_';
    if (fields[path]) continue;
    let key: CrmMessageKey = 'invalidValue';
    const vars: Record<string, string | number> = {};
    if (isCrmMessageKey(issue.message)) {
      key = issue.message;
    }
    if (issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined) {
      key = 'required';
    } else if (issue.code === 'too_big') {
      vars.max = Number(issue.maximum);
    } else if (issue.code === 'too_small') {
      vars.min = Number(issue.minimum);
    } else if (issue.code === 'custom' && issue.params) {
      // a refinement names what it refused ("qq.com 是公共邮箱域名…")
      for (const [k, v] of Object.entries(issue.params)) if (typeof v === 'string' || typeof v === 'number') vars[k] = v;
    }
    fields[path] = crmMessage(locale, key, vars);
  }
  return fields;
}

import { z } from 'zod';
import { ACCESS_ACTIONS, DATA_SCOPES } from './model';

/* API input of the access plugin; error messages are message keys (messages.ts). */

const ref = (kind: 'user' | 'group') =>
  z.string('required').regex(new RegExp(`^${kind}:[a-z0-9_.-]+/[A-Za-z0-9_.@-]+$`), 'invalidValue').max(200, 'tooLong');
export const userRefSchema = ref('user');
export const groupRefSchema = ref('group');

export const grantSpecSchema = z.object({
  resourceType: z.string('required').min(1, 'required').max(100, 'tooLong'),
  action: z.enum(ACCESS_ACTIONS, 'invalidValue'),
  scope: z.enum(DATA_SCOPES, 'invalidValue'),
  departments: z.array(groupRefSchema).max(200, 'invalidValue').optional(),
  includeSubdepartments: z.boolean('invalidValue').optional(),
});

export const fieldRuleSchema = z.object({
  resourceType: z.string('required').min(1, 'required').max(100, 'tooLong'),
  field: z.string('required').min(1, 'required').max(100, 'tooLong'),
  mode: z.enum(['hidden', 'readOnly'], 'invalidValue'),
});

const name = z.string('required').trim().min(1, 'required').max(50, 'tooLong');
const description = z.string().trim().max(500, 'tooLong').nullable().optional();

export const roleCreateSchema = z.object({
  key: z.string('required').regex(/^[a-z][a-z0-9-]{1,39}$/, 'invalidValue'),
  name,
  description,
  grants: z.array(grantSpecSchema).max(500, 'invalidValue').default([]),
  fieldRules: z.array(fieldRuleSchema).max(500, 'invalidValue').default([]),
});

export const roleUpdateSchema = z.object({
  version: z.number('required').int('invalidValue'),
  name: name.optional(),
  description,
  grants: z.array(grantSpecSchema).max(500, 'invalidValue').optional(),
  fieldRules: z.array(fieldRuleSchema).max(500, 'invalidValue').optional(),
});

export const roleMemberCreateSchema = z.object({
  kind: z.enum(['user', 'department'], 'invalidValue'),
  ref: z.string('required').min(1, 'required').max(200, 'tooLong'),
  includeSubdepartments: z.boolean('invalidValue').default(false),
});

/** `includeSubdepartments` is the subject's; the `specified` scope's flag is `scopeIncludeSubdepartments`. */
export const directGrantCreateSchema = grantSpecSchema.extend({
  subjectKind: z.enum(['user', 'department'], 'invalidValue'),
  subjectRef: z.string('required').min(1, 'required').max(200, 'tooLong'),
  includeSubdepartments: z.boolean('invalidValue').default(false),
  scopeIncludeSubdepartments: z.boolean('invalidValue').default(false),
});

export const handoverRequestSchema = z.object({
  kind: z.enum(['employee', 'department'], 'invalidValue'),
  from: z.string('required').min(1, 'required').max(200, 'tooLong'),
  receivers: z.array(z.string().min(1, 'required').max(200, 'tooLong')).max(50, 'invalidValue'),
  receiverByType: z.record(z.string(), z.string().max(200, 'tooLong')).optional(),
  receiverByItem: z.record(z.string(), z.string().max(200, 'tooLong')).optional(),
  excludeTypes: z.array(z.string().max(100, 'tooLong')).max(50, 'invalidValue').optional(),
  reason: z.string().trim().max(500, 'tooLong').optional(),
});

const day = z.string().refine(v => !Number.isNaN(Date.parse(v)), 'invalidValue').optional();

/** The audit query every plugin's `/audit` endpoint accepts (and `/audit/export`). */
export const auditQuerySchema = z.object({
  page: z.coerce.number('invalidValue').int('invalidValue').min(0, 'invalidValue').max(100_000, 'invalidValue').default(0),
  pageSize: z.coerce.number('invalidValue').int('invalidValue').min(1, 'invalidValue').max(200, 'invalidValue').default(50),
  actor: z.string().max(200, 'tooLong').optional(),
  recordType: z.string().max(50, 'tooLong').optional(),
  recordId: z.string().max(100, 'tooLong').optional(),
  action: z.string().max(30, 'tooLong').optional(),
  q: z.string().max(100, 'tooLong').optional(),
  from: day,
  to: day,
  order: z.enum(['asc', 'desc'], 'invalidValue').default('desc'),
});

export type AuditQuery = z.output<typeof auditQuerySchema>;
export type RoleCreate = z.input<typeof roleCreateSchema>;
export type RoleUpdate = z.input<typeof roleUpdateSchema>;
export type RoleMemberCreate = z.input<typeof roleMemberCreateSchema>;
export type DirectGrantCreate = z.input<typeof directGrantCreateSchema>;

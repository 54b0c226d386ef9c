import { z } from 'zod';
import {
  APPROVAL_MODES,
  ApproverRule,
  Branch,
  CONDITION_OPERATORS,
  Condition,
  EmptyApproverPolicy,
  FlowDefinition,
  RESUBMIT_POLICIES,
  Step,
  TIMEOUT_ACTIONS,
  TimeLimit,
} from './definition';

/*
 * Input schemas of the workflow API; error messages are message keys
 * (messages.ts) so that the backend answers in the caller's language.
 * The structural checks live here; the checks that need the whole tree or the
 * document type (unreachable branches, unknown fields …) are in validate.ts.
 */

export const userRefSchema = z
  .string('required')
  .regex(/^user:[a-z0-9_.-]+\/[A-Za-z0-9_.@-]+$/, 'invalidValue')
  .max(200, 'tooLong');
export const groupRefSchema = z
  .string('required')
  .regex(/^group:[a-z0-9_.-]+\/[A-Za-z0-9_.@-]+$/, 'invalidValue')
  .max(200, 'tooLong');

const nodeId = z.string('required').regex(/^[A-Za-z0-9_-]{1,64}$/, 'invalidValue');
const nodeName = z.string('required').trim().min(1, 'required').max(50, 'tooLong');
const fieldName = z.string('required').regex(/^[A-Za-z_][A-Za-z0-9_.]{0,63}$/, 'invalidValue');

export const approverRuleSchema: z.ZodType<ApproverRule> = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('users'), users: z.array(userRefSchema).max(100, 'invalidValue') }),
    z.object({ kind: z.literal('role'), role: z.string('required').min(1, 'required').max(40, 'tooLong') }),
    z.object({ kind: z.literal('departmentLeader') }),
    z.object({ kind: z.literal('supervisor'), level: z.number('required').int('invalidValue').min(1, 'invalidValue').max(20, 'invalidValue') }),
    z.object({
      kind: z.literal('supervisorChain'),
      upToLevel: z.number('required').int('invalidValue').min(1, 'invalidValue').max(20, 'invalidValue'),
    }),
    z.object({ kind: z.literal('applicantChoice') }),
    z.object({ kind: z.literal('documentField'), field: fieldName }),
  ],
  'invalidValue',
);

export const emptyApproverPolicySchema: z.ZodType<EmptyApproverPolicy> = z.discriminatedUnion(
  'kind',
  [z.object({ kind: z.literal('autoPass') }), z.object({ kind: z.literal('admin') }), z.object({ kind: z.literal('user'), user: userRefSchema })],
  'invalidValue',
);

const conditionValue = z.union(
  [z.string().max(500, 'tooLong'), z.number(), z.boolean(), z.array(z.union([z.string().max(500, 'tooLong'), z.number()])).max(200, 'invalidValue')],
  'invalidValue',
);

export const conditionSchema: z.ZodType<Condition> = z.object({
  field: fieldName,
  op: z.enum(CONDITION_OPERATORS, 'invalidValue'),
  value: conditionValue,
});

/** A year at most; fractions allowed (0.5 = 30 minutes). Whether the reminder comes before the deadline is validate.ts's. */
export const timeLimitSchema: z.ZodType<TimeLimit> = z.object({
  hours: z.number('required').positive('invalidValue').max(8760, 'invalidValue'),
  remindBeforeHours: z.number().positive('invalidValue').max(8760, 'invalidValue').optional(),
  onTimeout: z.enum(TIMEOUT_ACTIONS, 'invalidValue'),
});

const approvalStepSchema = z.object({
  kind: z.literal('approval'),
  id: nodeId,
  name: nodeName,
  mode: z.enum(APPROVAL_MODES, 'invalidValue'),
  ratio: z.number().int('invalidValue').min(1, 'invalidValue').max(100, 'invalidValue').optional(),
  approvers: z.array(approverRuleSchema).max(20, 'invalidValue'),
  emptyApprover: emptyApproverPolicySchema.optional(),
  timeLimit: timeLimitSchema.optional(),
});

const ccStepSchema = z.object({
  kind: z.literal('cc'),
  id: nodeId,
  name: nodeName,
  recipients: z.array(approverRuleSchema).max(20, 'invalidValue'),
});

export const branchSchema: z.ZodType<Branch> = z.lazy(() =>
  z.object({
    id: nodeId,
    name: nodeName,
    priority: z.number('required').int('invalidValue').min(0, 'invalidValue'),
    isDefault: z.boolean().optional(),
    conditions: z.array(conditionSchema).max(20, 'invalidValue'),
    // recursive: the lazy schema is only built once both constants exist
    // eslint-disable-next-line @typescript-eslint/no-use-before-define
    steps: z.array(stepSchema).max(50, 'invalidValue'),
  }),
);

export const stepSchema: z.ZodType<Step> = z.lazy(() =>
  z.discriminatedUnion(
    'kind',
    [
      approvalStepSchema,
      ccStepSchema,
      z.object({ kind: z.literal('branch'), id: nodeId, name: nodeName, branches: z.array(branchSchema).max(20, 'invalidValue') }),
    ],
    'invalidValue',
  ),
);

export const flowPoliciesSchema = z.object({
  emptyApprover: emptyApproverPolicySchema,
  duplicateApprover: z.enum(['autoPass', 'askAgain'], 'invalidValue'),
  resubmit: z.enum(RESUBMIT_POLICIES, 'invalidValue'),
});

export const flowDefinitionSchema: z.ZodType<FlowDefinition> = z.object({
  documentType: z.string('required').regex(/^[a-z][a-z0-9.-]{1,63}$/, 'invalidValue'),
  name: z.string('required').trim().min(1, 'required').max(100, 'tooLong'),
  policies: flowPoliciesSchema,
  steps: z.array(stepSchema).max(100, 'invalidValue'),
});

export const documentSubmissionSchema = z.object({
  type: z.string('required').regex(/^[a-z][a-z0-9.-]{1,63}$/, 'invalidValue'),
  id: z.string('required').min(1, 'required').max(100, 'tooLong'),
  title: z.string('required').trim().min(1, 'required').max(200, 'tooLong'),
  // 分: integers only, never floats
  amount: z.number().int('invalidValue').min(0, 'invalidValue').max(Number.MAX_SAFE_INTEGER, 'invalidValue').nullable().optional(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'invalidValue').optional(),
  applicant: userRefSchema,
  department: groupRefSchema.nullable().optional(),
  fields: z.record(z.string(), z.unknown()),
  chosenApprovers: z.record(z.string(), z.array(userRefSchema).max(50, 'invalidValue')).optional(),
});

export const decisionSchema = z.object({
  version: z.number('required').int('invalidValue'),
  comment: z.string().trim().max(2000, 'tooLong').optional(),
});

export const delegationCreateSchema = z.object({
  delegate: userRefSchema,
  documentTypes: z.array(z.string().min(1).max(64, 'tooLong')).max(50, 'invalidValue').nullable().optional(),
  startsAt: z.iso.datetime({ offset: true, message: 'invalidValue' }),
  endsAt: z.iso.datetime({ offset: true, message: 'invalidValue' }),
});

/* Inputs of the task and instance actions (HTTP API). */

export const returnSchema = decisionSchema.extend({
  to: z.union([z.literal('initiator'), z.object({ stepId: nodeId })], 'invalidValue'),
  policy: z.enum(RESUBMIT_POLICIES, 'invalidValue').optional(),
});

export const transferSchema = decisionSchema.extend({ to: userRefSchema });

export const addSignerSchema = decisionSchema.extend({
  position: z.enum(['before', 'after', 'parallel'], 'invalidValue'),
  users: z.array(userRefSchema).min(1, 'required').max(20, 'invalidValue'),
});

export const resubmitSchema = z.object({
  title: z.string().trim().min(1, 'required').max(200, 'tooLong').optional(),
  amount: z.number().int('invalidValue').min(0, 'invalidValue').nullable().optional(),
  fields: z.record(z.string(), z.unknown()).optional(),
  chosenApprovers: z.record(z.string(), z.array(userRefSchema).max(50, 'invalidValue')).optional(),
});

export const ccSchema = z.object({
  users: z.array(userRefSchema).min(1, 'required').max(50, 'invalidValue'),
  comment: z.string().trim().max(2000, 'tooLong').optional(),
});

export const commentSchema = z.object({
  text: z.string('required').trim().max(2000, 'tooLong'),
  attachments: z
    .array(z.object({ name: z.string().min(1, 'required').max(200, 'tooLong'), ref: z.string().min(1, 'required').max(500, 'tooLong') }))
    .max(20, 'invalidValue')
    .optional(),
});

export const pageQuerySchema = z.object({
  page: z.coerce.number('invalidValue').int('invalidValue').min(0, 'invalidValue').max(100_000, 'invalidValue').default(0),
  pageSize: z.coerce.number('invalidValue').int('invalidValue').min(1, 'invalidValue').max(200, 'invalidValue').default(50),
  order: z.enum(['asc', 'desc'], 'invalidValue').default('asc'),
});

export const flowPublishSchema = z.object({
  version: z.number('required').int('invalidValue'),
  definition: z.unknown(),
});

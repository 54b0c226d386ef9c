import { z } from 'zod';
import {
  CHANNELS,
  CONTACT_RELATION_TYPES,
  CONTRACT_FORMATS,
  CONTRACT_TYPES,
  CUSTOMER_LEVELS,
  CUSTOMER_SOURCES,
  CUSTOMER_STATUSES,
  CUSTOMER_TYPES,
  GENDERS,
  INDUSTRY_POSITIONS,
  RELATION_STRENGTHS,
} from './types';
import { isValidUscc, normalizeUscc } from './validation/uscc';
import { isIndustryDivisionCode } from './dictionaries/industries';
import { isRegionCode } from './dictionaries/regions';
import { cleanText, trimText } from './text';
import { MAX_MAIL_DOMAINS, isFreeMailDomain, isValidMailDomain, normalizeMailDomain } from './mailDomains';

/*
 * Input schemas shared by the backend (authoritative) and the frontend forms.
 * Messages are message keys of messages.ts; `describeIssues` turns them into
 * text in the caller's language.
 */

const optionalText = (max: number) =>
  z
    .string()
    .max(max, 'tooLong')
    .nullish()
    .transform(v => trimText(v));

const requiredText = (max: number) =>
  z
    .string('required')
    .transform(v => v.trim())
    .pipe(z.string().min(1, 'required').max(max, 'tooLong'));

const patterned = (re: RegExp, key: string, max = 50, squeeze = false) =>
  z
    .string()
    .max(max, 'tooLong')
    .nullish()
    .transform(v => {
      const t = cleanText(v);
      return t && squeeze ? t.replace(/\s+/g, '') : t;
    })
    .refine(v => v === null || re.test(v), key);

const date = z
  .string()
  .nullish()
  .transform(v => cleanText(v))
  .refine(v => v === null || isIsoDate(v), 'invalidDate');

export function isIsoDate(v: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

const PHONE_RE = /^(\+?86[- ]?)?((0\d{2,3}-?)?\d{7,8}(-\d{1,6})?|1[3-9]\d{9}|400-?\d{3}-?\d{4})$/;
const MOBILE_RE = /^(\+?86[- ]?)?1[3-9]\d{9}$/;
const EMAIL_RE = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;
const URL_RE = /^(https?:\/\/)?[\w-]+(\.[\w-]+)+([/?#][^\s]*)?$/i;
const USER_REF_RE = /^user:[\w.-]+\/[\w.@-]+$/;
const PHOTO_RE = /^data:image\/(png|jpeg|webp);base64,[A-Za-z0-9+/=]+$/;

const money = z
  .object(
    {
      amount: z.number('invalidMoney').int('invalidMoney').min(0, 'invalidMoney').max(Number.MAX_SAFE_INTEGER, 'invalidMoney'),
      currency: z.literal('CNY', 'invalidValue').default('CNY'),
    },
    'invalidMoney',
  )
  .nullish()
  .transform(v => v ?? null);

const userRef = z.string().regex(USER_REF_RE, 'invalidUserRef');
const uuid = z.string().uuid('notFound');

const enumOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, 'invalidValue');

/** 邮箱域名: normalised, valid, no free-mail provider, each once. */
const mailDomains = z
  .array(
    z
      .string()
      .max(253, 'tooLong')
      .transform(normalizeMailDomain)
      .superRefine((v, ctx) => {
        if (!isValidMailDomain(v)) ctx.addIssue({ code: 'custom', message: 'invalidMailDomain' });
        else if (isFreeMailDomain(v)) ctx.addIssue({ code: 'custom', message: 'freeMailDomain', params: { domain: v } });
      }),
  )
  .max(MAX_MAIL_DOMAINS, 'tooMany')
  .transform(list => Array.from(new Set(list)));

export const customerFields = {
  name: requiredText(100),
  shortName: optionalText(50),
  unifiedSocialCreditCode: z
    .string()
    .nullish()
    .transform(v => (v ? normalizeUscc(v) : null))
    .refine(v => v === null || v === '' || isValidUscc(v), 'invalidUscc')
    .transform(v => (v === '' ? null : v)),
  type: enumOf(CUSTOMER_TYPES),
  level: enumOf(CUSTOMER_LEVELS).nullish().transform(v => v ?? null),
  industryCode: z
    .string()
    .nullish()
    .transform(v => cleanText(v))
    .refine(v => v === null || isIndustryDivisionCode(v), 'invalidIndustry'),
  industryPosition: enumOf(INDUSTRY_POSITIONS).nullish().transform(v => v ?? null),
  regionCode: z
    .string()
    .nullish()
    .transform(v => cleanText(v))
    .refine(v => v === null || isRegionCode(v), 'invalidRegion'),
  address: optionalText(200),
  postcode: patterned(/^\d{6}$/, 'invalidPostcode', 10, true),
  phone: patterned(PHONE_RE, 'invalidPhone', 50, true),
  website: patterned(URL_RE, 'invalidUrl', 200),
  annualRevenue: money,
  foundedOn: date,
  employeeCount: z.number('notInteger').int('notInteger').min(0, 'notInteger').max(10_000_000, 'notInteger').nullish().transform(v => v ?? null),
  mainCustomers: optionalText(500),
  managementStyle: optionalText(500),
  expectedPurchase: money,
  parentId: uuid.nullish().transform(v => v ?? null),
  groupId: uuid.nullish().transform(v => v ?? null),
  channel: enumOf(CHANNELS).nullish().transform(v => v ?? null),
  source: enumOf(CUSTOMER_SOURCES).nullish().transform(v => v ?? null),
  status: enumOf(CUSTOMER_STATUSES),
  accountManagers: z.array(userRef).max(20, 'tooMany'),
  /** 归属部门: absent → the first account manager's department */
  ownerDepartment: z.string().regex(/^group:[a-z0-9_.-]+\/[A-Za-z0-9_.@-]+$/, 'invalidValue').max(200, 'tooLong').nullable().optional(),
  mailDomains,
  remark: optionalText(2000),
};

export const customerCreateSchema = z.object({
  ...customerFields,
  type: customerFields.type.default('enterprise'),
  status: customerFields.status.default('potential'),
  accountManagers: customerFields.accountManagers.optional(),
  mailDomains: customerFields.mailDomains.default([]),
});

export const customerUpdateSchema = z
  .object(customerFields)
  .partial()
  .extend({ version: z.number('required').int('invalidType') });

export const contactFields = {
  customerId: uuid,
  name: requiredText(50),
  gender: enumOf(GENDERS),
  department: optionalText(50),
  title: optionalText(50),
  position: optionalText(50),
  mobile: patterned(MOBILE_RE, 'invalidMobile', 50, true),
  phone: patterned(PHONE_RE, 'invalidPhone', 50, true),
  emails: z
    .array(
      z
        .string()
        .max(200, 'tooLong')
        .transform(v => v.normalize('NFKC').trim().toLowerCase())
        .refine(v => EMAIL_RE.test(v), 'invalidEmail'),
    )
    .max(10, 'tooMany')
    .transform(list => Array.from(new Set(list))),
  wechat: optionalText(50),
  birthday: date,
  hobbies: optionalText(500),
  personalNeeds: optionalText(1000),
  photo: z
    .string()
    .max(350_000, 'invalidPhoto')
    .refine(v => PHOTO_RE.test(v), 'invalidPhoto')
    .nullish()
    .transform(v => v ?? null),
  keyDecisionMaker: z.boolean('invalidType'),
  remark: optionalText(2000),
};

export const contactCreateSchema = z.object({
  ...contactFields,
  gender: contactFields.gender.default('unknown'),
  emails: contactFields.emails.default([]),
  keyDecisionMaker: contactFields.keyDecisionMaker.default(false),
});

export const contactUpdateSchema = z
  .object(contactFields)
  .omit({ customerId: true })
  .partial()
  .extend({ version: z.number('required').int('invalidType') });

export const contactRelationCreateSchema = z.object({
  fromContactId: uuid,
  toContactId: uuid,
  type: enumOf(CONTACT_RELATION_TYPES),
  strength: enumOf(RELATION_STRENGTHS).default('medium'),
  remark: optionalText(500),
});

export const contactRelationUpdateSchema = z.object({
  type: enumOf(CONTACT_RELATION_TYPES).optional(),
  strength: enumOf(RELATION_STRENGTHS).optional(),
  remark: optionalText(500),
  version: z.number('required').int('invalidType'),
});

const dateTime = z
  .string('required')
  .refine(v => !Number.isNaN(Date.parse(v)) && /^\d{4}-\d{2}-\d{2}T/.test(v), 'invalidDateTime');

export const visitFields = {
  customerId: uuid,
  visitorRef: userRef,
  visitedAt: dateTime,
  contactIds: z.array(uuid).max(20, 'tooMany'),
  content: requiredText(5000),
  companions: z.array(userRef).max(20, 'tooMany'),
  nextPlan: optionalText(2000),
};

export const visitCreateSchema = z.object({
  ...visitFields,
  visitorRef: visitFields.visitorRef.optional(),
  contactIds: visitFields.contactIds.default([]),
  companions: visitFields.companions.default([]),
});

export const visitUpdateSchema = z
  .object(visitFields)
  .omit({ customerId: true })
  .partial()
  .extend({ version: z.number('required').int('invalidType') });

/** 合同金额: a positive whole number of 分. */
const contractAmount = z.object(
  {
    amount: z
      .number('invalidContractAmount')
      .int('invalidContractAmount')
      .min(1, 'invalidContractAmount')
      .max(Number.MAX_SAFE_INTEGER, 'invalidContractAmount'),
    currency: z.literal('CNY', 'invalidValue').default('CNY'),
  },
  'invalidContractAmount',
);

const groupRef = z.string().regex(/^group:[a-z0-9_.-]+\/[A-Za-z0-9_.@-]+$/, 'invalidValue').max(200, 'tooLong');

export const contractFields = {
  name: requiredText(200),
  customerId: z.string('required').uuid('customerNotFound'),
  format: enumOf(CONTRACT_FORMATS),
  contractType: enumOf(CONTRACT_TYPES),
  amount: contractAmount,
  signedAt: date,
  startDate: date,
  endDate: date,
  paymentTerms: optionalText(2000),
  standard: optionalText(500),
  keyTerms: optionalText(5000),
  remark: optionalText(2000),
  owner: userRef,
  /** 归属部门: absent → the owner's primary department */
  ownerDepartment: groupRef.nullable().optional(),
};

/** 结束日期 may not lie before 开始日期 (both YYYY-MM-DD, so they compare as strings). */
export function contractDatesProblem(start: string | null | undefined, end: string | null | undefined): 'endBeforeStart' | undefined {
  return start && end && end < start ? 'endBeforeStart' : undefined;
}

export const contractCreateSchema = z
  .object({
    ...contractFields,
    format: contractFields.format.default('standard'),
    contractType: contractFields.contractType.default('sales'),
    owner: contractFields.owner.optional(),
  })
  .superRefine((v, ctx) => {
    const problem = contractDatesProblem(v.startDate, v.endDate);
    if (problem) ctx.addIssue({ code: 'custom', path: ['endDate'], message: problem });
  });

/** The customer of a contract is fixed once it exists; dates are checked against the stored ones by the backend. */
export const contractUpdateSchema = z
  .object(contractFields)
  .omit({ customerId: true })
  .partial()
  .extend({ version: z.number('required').int('invalidType') })
  .superRefine((v, ctx) => {
    const problem = contractDatesProblem(v.startDate, v.endDate);
    if (problem) ctx.addIssue({ code: 'custom', path: ['endDate'], message: problem });
  });

/** 提交审批 / 重新提交: the version the user saw, so that what is submitted is what they read. */
export const contractSubmitSchema = z.object({
  version: z.number('required').int('invalidType'),
});

export type CustomerCreate = z.output<typeof customerCreateSchema>;
export type CustomerUpdate = z.output<typeof customerUpdateSchema>;
export type ContactCreate = z.output<typeof contactCreateSchema>;
export type ContactUpdate = z.output<typeof contactUpdateSchema>;
export type ContactRelationCreate = z.output<typeof contactRelationCreateSchema>;
export type ContactRelationUpdate = z.output<typeof contactRelationUpdateSchema>;
export type VisitCreate = z.output<typeof visitCreateSchema>;
export type VisitUpdate = z.output<typeof visitUpdateSchema>;
export type ContractCreate = z.output<typeof contractCreateSchema>;
export type ContractUpdate = z.output<typeof contractUpdateSchema>;

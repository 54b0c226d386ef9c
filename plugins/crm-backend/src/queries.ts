import { z } from 'zod';
import {
  CONTRACT_STATUSES,
  CONTRACT_TYPES,
  CUSTOMER_LEVELS,
  CUSTOMER_STATUSES,
  isIndustryDivisionCode,
  isIndustrySectionCode,
  isIsoDate,
  isRegionCode,
  normalizeSearchText,
} from '@cocrm/plugin-crm-common';
import { CUSTOMER_SORT_KEYS } from './database/CustomerStore';
import { CONTACT_SORT_KEYS } from './database/ContactStore';
import { VISIT_SORT_KEYS } from './database/VisitStore';
import { CONTRACT_SORT_KEYS } from './database/ContractStore';

/* Query-string schemas: every list shares the same paging, sorting and date-range vocabulary. */

const csv = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform(s => s.split(',').filter(Boolean))
    .pipe(z.array(z.enum(values, 'invalidValue')).max(values.length, 'tooMany'))
    .optional();

const day = z
  .string()
  .refine(v => !Number.isNaN(Date.parse(v)), 'invalidDate')
  .optional();

const bool = z.enum(['true', 'false'], 'invalidValue').transform(v => v === 'true').optional();

/** Search text, normalised the way search_text is; control characters can't match anything. */
const q = z
  .string()
  .max(100, 'tooLong')
  // eslint-disable-next-line no-control-regex -- control characters separate fields in search_text
  .transform(v => normalizeSearchText(v.replace(/[\u0000-\u001f]/g, '')))
  .optional()
  .transform(v => v || undefined);

const paging = (sortKeys: string[], defaultSort: string) => ({
  page: z.coerce.number('invalidType').int('invalidType').min(0, 'invalidValue').max(100_000, 'invalidValue').default(0),
  pageSize: z.coerce.number('invalidType').int('invalidType').min(1, 'invalidValue').max(200, 'invalidValue').default(25),
  sort: z.enum(sortKeys as [string, ...string[]], 'invalidValue').default(defaultSort),
  order: z.enum(['asc', 'desc'], 'invalidValue').default('desc'),
});

export const customerListQuerySchema = z.object({
  ...paging(CUSTOMER_SORT_KEYS, 'updatedAt'),
  q,
  industry: z.string().refine(v => isIndustrySectionCode(v) || isIndustryDivisionCode(v), 'invalidIndustry').optional(),
  region: z.string().refine(isRegionCode, 'invalidRegion').optional(),
  level: csv(CUSTOMER_LEVELS),
  status: csv(CUSTOMER_STATUSES),
  accountManager: z.string().max(200, 'tooLong').optional(),
  createdFrom: day,
  createdTo: day,
  updatedFrom: day,
  updatedTo: day,
  deleted: bool,
});

export const contactListQuerySchema = z.object({
  ...paging(CONTACT_SORT_KEYS, 'updatedAt'),
  q,
  customerId: z.string().uuid('customerNotFound').optional(),
  keyDecisionMaker: bool,
  createdFrom: day,
  createdTo: day,
  updatedFrom: day,
  updatedTo: day,
  deleted: bool,
});

export const visitListQuerySchema = z.object({
  ...paging(VISIT_SORT_KEYS, 'visitedAt'),
  customerId: z.string().uuid('customerNotFound').optional(),
  contactId: z.string().uuid('contactNotFound').optional(),
  visitorRef: z.string().max(200, 'tooLong').optional(),
  from: day,
  to: day,
  deleted: bool,
});

const isoDay = z.string().refine(isIsoDate, 'invalidDate').optional();

export const contractListQuerySchema = z.object({
  ...paging(CONTRACT_SORT_KEYS, 'updatedAt'),
  q,
  status: csv(CONTRACT_STATUSES),
  contractType: csv(CONTRACT_TYPES),
  customerId: z.string().uuid('customerNotFound').optional(),
  owner: z.string().max(200, 'tooLong').optional(),
  signedFrom: isoDay,
  signedTo: isoDay,
  deleted: bool,
});

export const timelineQuerySchema = z.object({
  before: z.string().max(100, 'tooLong').optional(),
  limit: z.coerce.number('invalidType').int('invalidType').min(1, 'invalidValue').max(100, 'invalidValue').default(20),
});

export const versionQuerySchema = z.object({
  version: z.coerce.number('required').int('invalidType'),
});

export const relationListQuerySchema = z.object({
  customerId: z.string('required').uuid('customerNotFound'),
});

import { z } from 'zod';

/** Zod messages are message keys (see messages.ts) so errors speak the caller's language. */
const text = (max: number) => z.string({ error: 'required' }).trim().min(1, { error: 'required' }).max(max, { error: 'tooLong' });

const port = z.number({ error: 'invalidValue' }).int({ error: 'invalidValue' }).min(1, { error: 'invalidValue' }).max(65535, { error: 'invalidValue' });
const password = z.string({ error: 'required' }).min(1, { error: 'required' }).max(1000, { error: 'tooLong' });
const address = z.email({ error: 'invalidEmail' }).max(320, { error: 'tooLong' }).transform(a => a.toLowerCase());

export const imapSettingsSchema = z.object({
  host: text(255),
  port,
  secure: z.boolean({ error: 'invalidValue' }),
  user: text(255),
});

const smtpSettingsSchema = z.object({
  host: text(255),
  port,
  secure: z.boolean({ error: 'invalidValue' }),
  /** empty = the IMAP user */
  user: z.string().trim().max(255, { error: 'tooLong' }).optional(),
  /** empty = the IMAP password */
  password: z.string().max(1000, { error: 'tooLong' }).optional(),
});

const common = {
  displayName: text(100),
  email: address,
  aliases: z.array(address).max(20, { error: 'invalidValue' }).default([]),
  folders: z.array(text(500)).max(100, { error: 'invalidValue' }).default([]),
  sentFolder: text(500).nullable().optional(),
  sharing: z.enum(['everything', 'subject', 'nothing'], { error: 'invalidValue' }).default('everything'),
  readerDepartments: z.array(text(300)).max(50, { error: 'invalidValue' }).default([]),
  suggestLeads: z.boolean({ error: 'invalidValue' }).default(false),
  syncEnabled: z.boolean({ error: 'invalidValue' }).default(true),
  kind: z.enum(['personal', 'shared'], { error: 'invalidValue' }).default('personal'),
};

export const mailAccountCreateSchema = z.discriminatedUnion(
  'provider',
  [
    z.object({
      ...common,
      provider: z.literal('imap'),
      imap: imapSettingsSchema.extend({ password }),
      smtp: smtpSettingsSchema.nullable().optional(),
    }),
    z.object({
      ...common,
      provider: z.literal('graph'),
      graphMailbox: address,
    }),
  ],
  { error: 'invalidValue' },
);
export type MailAccountCreateInput = z.input<typeof mailAccountCreateSchema>;

/** Before the discriminated union: an account without `provider` is an IMAP account (the API's first clients sent none). */
export function withDefaultProvider(input: unknown): unknown {
  return input && typeof input === 'object' && !('provider' in input) ? { ...input, provider: 'imap' } : input;
}

/** Omitting a password keeps the stored one: the API never sends it back to be re-submitted. */
export const mailAccountUpdateSchema = z.object({
  version: z.number({ error: 'required' }).int(),
  displayName: text(100).optional(),
  email: address.optional(),
  aliases: z.array(address).max(20, { error: 'invalidValue' }).optional(),
  imap: imapSettingsSchema.extend({ password: z.string().max(1000, { error: 'tooLong' }).optional() }).optional(),
  smtp: smtpSettingsSchema.nullable().optional(),
  graphMailbox: address.optional(),
  folders: z.array(text(500)).max(100, { error: 'invalidValue' }).optional(),
  sentFolder: text(500).nullable().optional(),
  sharing: z.enum(['everything', 'subject', 'nothing'], { error: 'invalidValue' }).optional(),
  readerDepartments: z.array(text(300)).max(50, { error: 'invalidValue' }).optional(),
  suggestLeads: z.boolean({ error: 'invalidValue' }).optional(),
  syncEnabled: z.boolean({ error: 'invalidValue' }).optional(),
});
export type MailAccountUpdateInput = z.input<typeof mailAccountUpdateSchema>;

/** Trying the IMAP login (and SMTP) before saving an account. */
export const mailAccountTestSchema = z.object({
  imap: imapSettingsSchema.extend({ password: z.string().max(1000, { error: 'tooLong' }).optional() }),
  smtp: smtpSettingsSchema.nullable().optional(),
  /** an existing account whose stored password to use when none is given */
  accountId: z.string().uuid().optional(),
});

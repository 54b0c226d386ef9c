import { z } from 'zod';

/** Zod messages are message keys (see messages.ts) so errors speak the caller's language. */
const text = (max: number) => z.string({ error: 'required' }).trim().min(1, { error: 'required' }).max(max, { error: 'tooLong' });

export const imapSettingsSchema = z.object({
  host: text(255),
  port: z.number({ error: 'invalidValue' }).int({ error: 'invalidValue' }).min(1, { error: 'invalidValue' }).max(65535, { error: 'invalidValue' }),
  secure: z.boolean({ error: 'invalidValue' }),
  user: text(255),
});

export const mailAccountCreateSchema = z.object({
  displayName: text(100),
  email: z.email({ error: 'invalidEmail' }),
  imap: imapSettingsSchema.extend({ password: z.string({ error: 'required' }).min(1, { error: 'required' }).max(1000, { error: 'tooLong' }) }),
  folders: z.array(text(500)).max(100, { error: 'invalidValue' }).default([]),
});
export type MailAccountCreateInput = z.input<typeof mailAccountCreateSchema>;

/** Omitting the password keeps the stored one: the API never sends it back to be re-submitted. */
export const mailAccountUpdateSchema = z.object({
  version: z.number({ error: 'required' }).int(),
  displayName: text(100).optional(),
  email: z.email({ error: 'invalidEmail' }).optional(),
  imap: imapSettingsSchema.extend({ password: z.string().min(1).max(1000, { error: 'tooLong' }).optional() }).optional(),
  folders: z.array(text(500)).max(100, { error: 'invalidValue' }).optional(),
});
export type MailAccountUpdateInput = z.input<typeof mailAccountUpdateSchema>;

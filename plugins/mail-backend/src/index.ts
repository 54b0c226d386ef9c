/**
 * The mail backend plugin: IMAP mailboxes synced exactly once into the mail plugin's own store.
 *
 * @packageDocumentation
 */
export { mailPlugin as default } from './plugin';
export { createMail } from './createMail';
export type { MailServices } from './createMail';
export type { RawStore } from './database/RawStore';
export type { MessageParser, ParsedMail } from './mime/MessageParser';
export type { SyncOptions } from './service/SyncService';

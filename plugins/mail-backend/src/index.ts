/**
 * The mail backend plugin: mailboxes synced exactly once, routed into customer records, webmail and sending.
 *
 * @packageDocumentation
 */
export { mailPlugin as default } from './plugin';
export { createMail } from './createMail';
export { accessModuleMail } from './accessModule';
export type { MailServices } from './createMail';
export type { RawStore } from './database/RawStore';
export type { MessageParser, ParsedMail } from './mime/MessageParser';
export type { SyncOptions } from './service/SyncService';

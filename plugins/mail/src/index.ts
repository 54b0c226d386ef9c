/**
 * 邮件 frontend plugin (new frontend system): the webmail (mailboxes and
 * folders, threads with search, the sandboxed reading pane, customer links),
 * compose / reply / forward with drafts and the outbox, knowledge saved from
 * mail, and mailbox settings with each account's sync state.
 *
 * @packageDocumentation
 */
export { default } from './plugin';
export { mailApi, mailPage } from './plugin';
export { mailTranslationRef, mailTranslationResource } from './translation';
export { MailClient, MailApiError, mailApiRef } from './api/MailClient';
export type { MailApi, MailClientOptions, UploadProgress } from './api/MailClient';
export type * from './api/types';
export { rootRouteRef as mailRootRouteRef } from './routes';

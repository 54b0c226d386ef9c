/**
 * Mail (邮件) types, schemas, permissions and messages shared by the mail plugin family.
 *
 * @packageDocumentation
 */
export * from './model';
export * from './types';
export * from './schemas';
export * from './messages';
export * from './recordMessageId';
export * from './routing';
export * from './compose';
export * from './graph';
export * from './webmail';

/**
 * Mail (邮件) types, schemas, permissions and messages shared by the mail plugin family.
 *
 * @packageDocumentation
 */
export * from './model';
export * from './types';
export * from './schemas';
export * from './messages';

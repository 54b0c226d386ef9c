export * from './model';
export * from './types';
export * from './permissions';
export * from './messages';
export * from './schemas';
export * from './i18n';

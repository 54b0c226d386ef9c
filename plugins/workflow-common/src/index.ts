export * from './definition';
export * from './runtime';
export * from './messages';
export * from './model';
export * from './schemas';
export * from './conditions';
export * from './validate';
export * from './lists';

export * from './OrgDirectory';
export * from './extensions';
export * from './AccessClient';
export * from './httpHandoverProvider';
export * from './auditWorkbook';
export * from './database';
export * from './fileTypes';
export * from './scopeFilter';

/** How other backend plugins use approvals. */
export * from './extensions';
export * from './events';
export * from './WorkflowClient';

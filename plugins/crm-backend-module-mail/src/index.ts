/**
 * Routed mail (邮件) on the CRM customer 360° timeline.
 *
 * @packageDocumentation
 */
export { crmModuleMail as default } from './module';
export { mailTimelineSource, timelineEntryOfMail } from './mailTimelineSource';

/** The suite's mail sending, for every backend plugin that sends mail. */
export * from './SuiteMailService';
export * from './serviceRef';

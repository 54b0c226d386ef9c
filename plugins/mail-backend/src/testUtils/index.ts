/**
 * Test helpers for this package's tests and other packages' (the portal's
 * integration test, the e2e tests): a throwaway Dovecot IMAP server.
 *
 * @packageDocumentation
 */
export { DovecotServer, dovecotAvailable, dovecotMode } from './dovecot';

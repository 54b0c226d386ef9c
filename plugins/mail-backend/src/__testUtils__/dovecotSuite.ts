import { DOVECOT, dovecotMode } from '../testUtils/dovecot';
import { databases, requiredDatabases } from './mailTestBed';

/**
 * The `describe` for suites that need a real Dovecot, with the guards every
 * such suite carries: the required databases are all there, and under CI a
 * missing Dovecot fails instead of skipping. Call at the top of a test file.
 */
// eslint-disable-next-line jest/no-export -- a helper that registers the guard tests every Dovecot suite carries
export function describeWithDovecot(): jest.Describe {
  it('runs on every required database', () => {
    expect(databases.eachSupportedId().flat()).toEqual(expect.arrayContaining(requiredDatabases));
  });
  if (dovecotMode() === 'fail') {
    it('needs Dovecot in CI', () => {
      expect(`Dovecot is not installed (${DOVECOT}); CI must provide it: apt-get install dovecot-imapd`).toBe('');
    });
  }
  return dovecotMode() === 'run' ? describe : describe.skip;
}

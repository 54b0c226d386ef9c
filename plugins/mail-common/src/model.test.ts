import { mailPermissions } from './model';
import { mailAccountCreateSchema } from './schemas';

describe('mail permissions and schemas', () => {
  it('names permissions in the suite pattern, create basic and the rest scoped', () => {
    expect(mailPermissions.map(p => [p.name, p.type])).toEqual([
      ['mail.account.read', 'resource'],
      ['mail.account.create', 'basic'],
      ['mail.account.update', 'resource'],
      ['mail.account.delete', 'resource'],
      ['mail.message.read', 'resource'],
    ]);
  });

  it('requires the IMAP password on connect and reports message keys', () => {
    const r = mailAccountCreateSchema.safeParse({ displayName: '', email: 'x', imap: { host: 'h', port: 143, secure: false, user: 'u' } });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map(i => [i.path.join('.'), i.message])).toEqual([
      ['displayName', 'required'],
      ['email', 'invalidEmail'],
      ['imap.password', 'required'],
    ]);
  });
});

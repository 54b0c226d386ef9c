import { mailPermissions } from './model';
import { mailAccountCreateSchema, withDefaultProvider } from './schemas';

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

  it('requires the IMAP password on connect and reports message keys; an account without provider is IMAP', () => {
    const r = mailAccountCreateSchema.safeParse(withDefaultProvider({ displayName: '', email: 'x', imap: { host: 'h', port: 143, secure: false, user: 'u' } }));
    expect(r.success).toBe(false);
    expect(r.error!.issues.map(i => [i.path.join('.'), i.message])).toEqual([
      ['displayName', 'required'],
      ['email', 'invalidEmail'],
      ['imap.password', 'required'],
    ]);
  });

  it('takes a Microsoft 365 mailbox without IMAP settings, and refuses an unknown provider', () => {
    const graph = mailAccountCreateSchema.safeParse({ provider: 'graph', displayName: '销售部', email: 'Sales@Corp.Example', graphMailbox: 'sales@corp.example' });
    expect(graph.success).toBe(true);
    expect(graph.data).toMatchObject({ provider: 'graph', email: 'sales@corp.example', kind: 'personal', sharing: 'everything', folders: [] });
    const other = mailAccountCreateSchema.safeParse({ provider: 'pop3', displayName: 'x', email: 'a@b.cn' });
    expect(other.error!.issues.map(i => [i.path.join('.'), i.message])).toEqual([['provider', 'invalidValue']]);
  });
});

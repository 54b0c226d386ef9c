import { ChildProcess, execFileSync, spawn } from 'child_process';
import fs from 'fs';
import net from 'net';
import os from 'os';
import path from 'path';

/*
 * A throwaway Dovecot 2.3 IMAP server per test file: own temp dir, a free
 * high port, passwd-file users, maildir. Settings as measured in
 * ../shared/ENVIRONMENT.md (2.3 names; one setting per line).
 */

export const DOVECOT = '/usr/sbin/dovecot';
export const DOVEADM = '/usr/bin/doveadm';

export function dovecotAvailable(): boolean {
  return fs.existsSync(DOVECOT) && fs.existsSync(DOVEADM);
}

/**
 * What a test file does about Dovecot: run; fail loudly in CI when it is
 * missing (CI must provide it); skip on a developer machine without it.
 */
export function dovecotMode(): 'run' | 'fail' | 'skip' {
  if (dovecotAvailable()) return 'run';
  return process.env.CI ? 'fail' : 'skip';
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>(resolve => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('data', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`Dovecot did not listen on ${port}`);
    await new Promise(r => setTimeout(r, 100));
  }
}

export class DovecotServer {
  private constructor(
    readonly dir: string,
    readonly conf: string,
    readonly port: number,
    private readonly process: ChildProcess,
  ) {}

  static async start(users: Record<string, string>): Promise<DovecotServer> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cocrm-dovecot-'));
    fs.chmodSync(dir, 0o755);
    const port = await freePort();
    const mail = path.join(dir, 'mail');
    fs.mkdirSync(mail);
    for (const sub of ['base', 'state']) fs.mkdirSync(path.join(dir, sub));
    const passwd = path.join(dir, 'passwd');
    fs.writeFileSync(passwd, Object.entries(users).map(([u, p]) => `${u}:{PLAIN}${p}:::::\n`).join(''));
    const conf = path.join(dir, 'dovecot.conf');
    fs.writeFileSync(
      conf,
      [
        'protocols = imap',
        'listen = 127.0.0.1',
        `base_dir = ${dir}/base`,
        `state_dir = ${dir}/state`,
        `log_path = ${dir}/dovecot.log`,
        'ssl = no',
        'disable_plaintext_auth = no',
        'auth_mechanisms = plain login',
        'default_login_user = nobody',
        'default_internal_user = nobody',
        'default_internal_group = nogroup',
        `mail_location = maildir:${mail}/%u`,
        'mail_uid = nobody',
        'mail_gid = nogroup',
        'first_valid_uid = 1',
        'passdb {',
        '  driver = passwd-file',
        `  args = scheme=PLAIN username_format=%u ${passwd}`,
        '}',
        'userdb {',
        '  driver = static',
        `  args = uid=nobody gid=nogroup home=${mail}/%u`,
        '}',
        'service imap-login {',
        '  inet_listener imap {',
        '    address = 127.0.0.1',
        `    port = ${port}`,
        '  }',
        '}',
        'service anvil {',
        '  chroot =',
        '}',
        '',
      ].join('\n'),
    );
    execFileSync('chown', ['-R', 'nobody:nogroup', mail]);
    const child = spawn(DOVECOT, ['-F', '-c', conf], { stdio: 'ignore' });
    const server = new DovecotServer(dir, conf, port, child);
    try {
      await waitForPort(port, 15000);
    } catch (e) {
      await server.stop();
      const log = fs.existsSync(path.join(dir, 'dovecot.log')) ? fs.readFileSync(path.join(dir, 'dovecot.log'), 'utf8') : '';
      throw new Error(`${(e as Error).message}\n${log}`);
    }
    return server;
  }

  /** Forces a UIDVALIDITY change, as a server restore or migration does. */
  setUidValidity(user: string, mailbox: string, value: number): void {
    execFileSync(DOVEADM, ['-c', this.conf, 'mailbox', 'update', '-u', user, '--uid-validity', String(value), mailbox]);
  }

  async stop(): Promise<void> {
    if (this.process.exitCode === null) {
      const exited = new Promise(resolve => this.process.once('exit', resolve));
      this.process.kill('SIGTERM');
      await Promise.race([exited, new Promise(r => setTimeout(r, 5000))]);
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

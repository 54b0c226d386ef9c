import { ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** A throwaway OpenLDAP server, listening on 127.0.0.1 only. */
export interface Slapd {
  url: string;
  rootDn: string;
  rootPassword: string;
  stop(): Promise<void>;
}

const SCHEMA_DIR = '/etc/ldap/schema';
const MODULE_DIRS = [
  '/usr/lib/ldap',
  '/usr/lib/openldap',
  '/usr/libexec/openldap',
];

/** The slapd binary, or undefined when OpenLDAP's server is not installed. */
export function findSlapd(): string | undefined {
  const dirs = [
    '/usr/sbin',
    '/usr/local/sbin',
    ...(process.env.PATH ?? '').split(':'),
  ];
  return dirs
    .map(dir => path.join(dir, 'slapd'))
    .find(candidate => fs.existsSync(candidate));
}

/**
 * Loads `ldif` offline with slapadd (fast, no bind needed), then serves it with slapd on a
 * free port. slapd runs in the foreground (`-d 0`) so that it stays our child and dies with
 * `stop()`; it runs as whoever runs the tests, root included.
 */
export async function startSlapd(options: {
  slapd: string;
  suffix: string;
  ldif: string;
}): Promise<Slapd> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'cocrm-slapd-'));
  const rootDn = `cn=admin,${options.suffix}`;
  const rootPassword = 'test-secret';
  const moduleDir = MODULE_DIRS.find(d =>
    fs.existsSync(path.join(d, 'back_mdb.la')),
  );
  const config = [
    ...['core', 'cosine', 'inetorgperson', 'nis'].map(
      s => `include ${SCHEMA_DIR}/${s}.schema`,
    ),
    ...(moduleDir ? [`modulepath ${moduleDir}`, 'moduleload back_mdb'] : []),
    `pidfile ${path.join(dir, 'slapd.pid')}`,
    `argsfile ${path.join(dir, 'slapd.args')}`,
    'database mdb',
    'maxsize 16777216',
    `suffix "${options.suffix}"`,
    `rootdn "${rootDn}"`,
    `rootpw ${rootPassword}`,
    `directory ${path.join(dir, 'data')}`,
    '',
  ].join('\n');
  const configFile = path.join(dir, 'slapd.conf');
  const ldifFile = path.join(dir, 'data.ldif');
  await fsp.mkdir(path.join(dir, 'data'));
  await fsp.writeFile(configFile, config);
  await fsp.writeFile(ldifFile, options.ldif);

  const slapadd = path.join(path.dirname(options.slapd), 'slapadd');
  try {
    await execFileAsync(slapadd, ['-q', '-f', configFile, '-l', ldifFile]);
  } catch (error) {
    await fsp.rm(dir, { recursive: true, force: true });
    throw new Error(`slapadd failed: ${describeExecError(error)}`);
  }

  const port = await freePort();
  const url = `ldap://127.0.0.1:${port}`;
  const child = spawn(
    options.slapd,
    ['-f', configFile, '-h', `${url}/`, '-d', '0'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', chunk => (output += chunk));
  child.stderr?.on('data', chunk => (output += chunk));

  const stop = async () => {
    await killAndWait(child);
    await fsp.rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, child, 15_000);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\nslapd output:\n${output}`);
  }
  return { url, rootDn, rootPassword, stop };
}

/** One LDIF attribute line; anything outside printable ASCII goes base64, as LDIF requires. */
export function ldifLine(attribute: string, value: string): string {
  const safe =
    /^[\x21-\x39\x3b\x3d-\x7e][\x20-\x7e]*$/.test(value) &&
    !value.endsWith(' ');
  return safe
    ? `${attribute}: ${value}`
    : `${attribute}:: ${Buffer.from(value, 'utf8').toString('base64')}`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(
  port: number,
  child: ChildProcess,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `slapd exited early (code ${child.exitCode}, signal ${child.signalCode})`,
      );
    }
    if (await canConnect(port)) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `slapd did not listen on port ${port} within ${timeoutMs} ms`,
      );
    }
    await new Promise(r => setTimeout(r, 100));
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = new Promise<void>(resolve =>
    child.once('exit', () => resolve()),
  );
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

function describeExecError(error: unknown): string {
  if (error && typeof error === 'object' && 'stderr' in error) {
    return `${String((error as { stderr: unknown }).stderr)}`;
  }
  return String(error);
}

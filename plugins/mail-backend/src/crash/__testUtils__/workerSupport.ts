import createKnex, { Knex } from 'knex';
import type { LoggerService } from '@backstage/backend-plugin-api';

/** How a child process reaches the database the test (or the bench) prepared. */
export type WorkerDatabase =
  | { client: 'better-sqlite3'; filename: string }
  | { client: 'pg'; connection: { host: string; port: number; user: string; password?: string; database: string } };

/** The same knex settings the backend's database service uses for these two clients. */
export function openDatabase(database: WorkerDatabase): Knex {
  if (database.client === 'pg') return createKnex({ client: 'pg', connection: database.connection, pool: { min: 0, max: 5 } });
  return createKnex({ client: 'better-sqlite3', connection: { filename: database.filename }, useNullAsDefault: true });
}

/** Where the connection of a migrated test database points, so a child process can open the same one. */
export function describeDatabase(knex: Knex, sqliteFilename?: string): WorkerDatabase {
  const config = knex.client.config as { client: unknown; connection: Record<string, unknown> };
  if (String(config.client).includes('sqlite')) {
    if (!sqliteFilename) throw new Error('A SQLite database must be a file to be shared with a child process');
    return { client: 'better-sqlite3', filename: sqliteFilename };
  }
  const { host, port, user, password, database } = config.connection;
  return {
    client: 'pg',
    connection: { host: String(host), port: Number(port), user: String(user), password: password === undefined ? undefined : String(password), database: String(database) },
  };
}

type LogMeta = Parameters<LoggerService['child']>[0];

/** Warnings and errors go to stderr (the parent keeps them for a failure message); the rest is dropped. */
export function stderrLogger(meta: LogMeta = {}): LoggerService {
  const write = (level: string, message: string, extra?: Error | LogMeta) => {
    const detail = extra instanceof Error ? ` ${extra.message}` : '';
    process.stderr.write(`${level} ${JSON.stringify(meta)} ${message}${detail}\n`);
  };
  return {
    error: (m, e) => write('error', m, e),
    warn: (m, e) => write('warn', m, e),
    info: () => undefined,
    debug: () => undefined,
    child: more => stderrLogger({ ...meta, ...more }),
  };
}

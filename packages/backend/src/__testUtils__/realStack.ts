import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthService, coreServices, createServiceFactory } from '@backstage/backend-plugin-api';
import knexFactory from 'knex';
import { randomBytes } from 'node:crypto';

/*
 * The real stack in a test backend. Each plugin gets its own database, as in
 * production (every plugin keeps its own knex_migrations), so the real
 * database service is used: in-memory SQLite per plugin, or one fresh
 * PostgreSQL database per plugin under a random prefix, dropped afterwards.
 */
const PG = process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
if (!PG && process.env.CRM_REQUIRE_POSTGRES) throw new Error('PostgreSQL is required (BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING)');

export const DATABASES = ['SQLITE_3', ...(PG ? ['POSTGRES_15'] : [])];
const prefix = `stack_${randomBytes(4).toString('hex')}_`;

/** `backend.database` for the database under test. */
export function databaseConfig(id: string) {
  return id === 'SQLITE_3'
    ? { client: 'better-sqlite3', connection: ':memory:' }
    : { client: 'pg', connection: PG, prefix, pluginDivisionMode: 'database' };
}

/** Drops the PostgreSQL databases this test file created (call from afterAll). */
export async function dropTestDatabases() {
  if (!PG) return;
  const admin = knexFactory({ client: 'pg', connection: PG });
  const { rows } = await admin.raw('SELECT datname FROM pg_database WHERE datname LIKE ?', [`${prefix}%`]);
  for (const r of rows as Array<{ datname: string }>) await admin.raw(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
  await admin.destroy();
}

/**
 * Backstage's mock auth drops the calling plugin (the token's actor) from
 * on-behalf-of tokens; the real one keeps it, and the permission backend only
 * accepts conditional requests (no resourceRef) from a plugin acting for a
 * user. This restores what production does.
 */
export const authWithActor = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }): AuthService {
    const base = mockServices.auth({ pluginId: plugin.getId() });
    const getPluginRequestToken: AuthService['getPluginRequestToken'] = async options => {
      const principal = options.onBehalfOf.principal as { type: string; userEntityRef?: string };
      if (principal.type === 'user' && principal.userEntityRef) {
        return { token: mockCredentials.user.token(principal.userEntityRef, { actor: { subject: `plugin:${plugin.getId()}` } }) };
      }
      return base.getPluginRequestToken(options);
    };
    return Object.assign(Object.create(Object.getPrototypeOf(base)), base, { getPluginRequestToken });
  },
});

import pg from 'pg';

/**
 * La base PostgreSQL des tests : TEST_DATABASE_URL, sinon DATABASE_URL, sinon la base
 * `infoparquet_test` du serveur local. Jamais la base embarquée : les tests d'intégration
 * tournent sur un vrai PostgreSQL.
 */
export function testDatabaseUrl(): string {
  return process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/infoparquet_test';
}

/** Crée la base si elle n'existe pas (en passant par la base `postgres` du même serveur). */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

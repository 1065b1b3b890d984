import { migrateDatabase } from '@infoparquet/db';
import pg from 'pg';

/** Le serveur PostgreSQL partagé de la machine (les bancs n'y touchent qu'à leurs bases ip_bench*). */
export const SERVER_URL = process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432';

export function databaseUrl(name: string, server = SERVER_URL): string {
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Garde-fou : un banc ne supprime jamais une base qui n'est pas à lui. */
function assertBenchDatabase(name: string) {
  if (!/^ip_bench[a-z0-9_]*$/.test(name)) throw new Error(`Base « ${name} » refusée : les bancs n'utilisent que des bases ip_bench*.`);
}

/** Supprime puis recrée la base, et y applique les migrations du produit. */
export async function recreateDatabase(name: string, server = SERVER_URL): Promise<string> {
  assertBenchDatabase(name);
  const admin = new pg.Client({ connectionString: databaseUrl('postgres', server) });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = databaseUrl(name, server);
  await migrateDatabase(url, { quiet: true });
  return url;
}

export async function dropDatabase(name: string, server = SERVER_URL): Promise<void> {
  assertBenchDatabase(name);
  const admin = new pg.Client({ connectionString: databaseUrl('postgres', server) });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

export async function databaseExists(name: string, server = SERVER_URL): Promise<boolean> {
  const admin = new pg.Client({ connectionString: databaseUrl('postgres', server) });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return rowCount === 1;
  } finally {
    await admin.end();
  }
}

/** Vide les tables des signalements et du journal (organisations, comptes et sessions restent). */
export async function truncateSignalements(client: pg.ClientBase | pg.Pool): Promise<void> {
  await client.query(
    'TRUNCATE audit_event, audit_pending, piece, message, decision, status_change, reference_counter, signalement, ' +
      'digest_item, outgoing_email, notification_cursor, webhook_delivery RESTART IDENTITY CASCADE',
  );
}

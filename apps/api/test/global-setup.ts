import { migrateDatabase } from '@infoparquet/db';
import { ensureDatabase, testDatabaseUrl } from './database.js';

/** Une fois par lancement : la base de test existe et porte toutes les migrations. */
export default async function setup() {
  const url = testDatabaseUrl();
  await ensureDatabase(url);
  await migrateDatabase(url, { quiet: true });
}

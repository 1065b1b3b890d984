import { startEmbeddedDatabase } from '@infoparquet/db';
import type { Env } from '../env.js';

/** Exécute `work` avec l'URL de la base : DATABASE_URL, ou la base embarquée ouverte le temps du travail. */
export async function withDatabaseUrl<T>(env: Env, work: (url: string) => Promise<T>): Promise<T> {
  if (env.DATABASE_URL) return work(env.DATABASE_URL);
  const embedded = await startEmbeddedDatabase(env.EMBEDDED_DATABASE_DIR);
  try {
    return await work(embedded.url);
  } finally {
    await embedded.stop();
  }
}

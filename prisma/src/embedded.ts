import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedDatabase {
  /** URL de connexion PostgreSQL (protocole filaire, sur 127.0.0.1). */
  url: string;
  stop(): Promise<void>;
}

/**
 * PostgreSQL 17 compilé en WebAssembly (PGlite), servi sur le protocole filaire pour que
 * Prisma et la CLI de migration s'y connectent comme à un vrai serveur. Les données restent
 * dans `dataDir` d'un lancement à l'autre. Sert quand `DATABASE_URL` n'est pas défini.
 */
export async function startEmbeddedDatabase(dataDir: string, port = 0): Promise<EmbeddedDatabase> {
  await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port, maxConnections: 20 });
  await server.start();
  return {
    url: `postgresql://postgres@${server.getServerConn()}/postgres?sslmode=disable`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

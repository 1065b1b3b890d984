import { createPrismaClient, migrateDatabase, startEmbeddedDatabase } from '@infoparquet/db';
import { seedDemoData } from './demo/seed.js';
import { missingProductionSecretKey } from './domains/webhooks/secret-box.js';
import { readEnv } from './env.js';
import { startApiServer } from './http-server.js';

/** Démarre l'API : base (embarquée si DATABASE_URL est absent), migrations, démo, écoute. */
async function main() {
  const env = readEnv();
  if (missingProductionSecretKey(env)) {
    throw new Error(
      'Configuration invalide : WEBHOOK_SECRET_KEY est obligatoire en production (clé de 32 octets en base64, la même pour toutes les instances : openssl rand -base64 32).',
    );
  }
  let databaseUrl = env.DATABASE_URL;
  let embedded: Awaited<ReturnType<typeof startEmbeddedDatabase>> | undefined;
  if (!databaseUrl) {
    embedded = await startEmbeddedDatabase(env.EMBEDDED_DATABASE_DIR);
    databaseUrl = embedded.url;
    console.info(`[db] base embarquée (PGlite) dans ${env.EMBEDDED_DATABASE_DIR}`);
  }
  await migrateDatabase(databaseUrl);
  // La base embarquée sert le protocole filaire à un client à la fois : des requêtes simultanées
  // sur plusieurs connexions s'y mélangent (« bind message supplies N parameters… »). Une seule
  // connexion, donc ; les écritures s'y succèdent, ce qui suffit à une démonstration ou un poste.
  const prisma = createPrismaClient(databaseUrl, { maxConnections: embedded ? 1 : 10 });

  const seed = env.SEED_DEMO_DATA ?? env.NODE_ENV !== 'production';
  if (seed && (await prisma.organization.count()) === 0) {
    await seedDemoData(prisma);
    console.info('[demo] données de démonstration chargées (mot de passe : infoparquet-demo)');
  }

  const api = await startApiServer(prisma, env);
  console.info(`[api] infoParquet écoute sur ${api.url} (HTTP, WebSocket et SSE)`);
  if (!env.REDIS_URL) console.info('[temps réel] sans REDIS_URL : événements diffusés au sein de cette instance');

  const shutdown = async () => {
    await api.close();
    await prisma.$disconnect();
    await embedded?.stop();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

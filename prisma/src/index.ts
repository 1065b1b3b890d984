/**
 * Accès aux données d'infoParquet : le client Prisma généré, sa fabrique, les migrations au
 * démarrage et la base PostgreSQL embarquée (PGlite) quand aucune base n'est configurée.
 */
export * from './generated/prisma/client.js';
export { createPrismaClient, type DatabaseClient } from './client.js';
export { migrateDatabase } from './migrate.js';
export { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded.js';
export { getDatamodel } from './generated/pothos-types.js';
export type { default as PrismaTypes } from './generated/pothos-types.js';
export { listenerApplicationName, listenToDatabase, type DatabaseListener, type ListenHandlers } from './listen.js';

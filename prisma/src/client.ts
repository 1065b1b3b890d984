import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.js';

export type DatabaseClient = PrismaClient;

export interface ClientOptions {
  /** Nombre maximal de connexions du pool (la base embarquée en accepte peu). */
  maxConnections?: number;
  /** Appelé pour chaque requête SQL envoyée : sert aux tests qui comptent les requêtes. */
  onQuery?: (sql: string) => void;
}

/** Client Prisma sur l'adaptateur `pg` (pas de moteur Rust à télécharger). */
export function createPrismaClient(connectionString: string, options: ClientOptions = {}): PrismaClient {
  const adapter = new PrismaPg({
    connectionString,
    max: options.maxConnections ?? 10,
    // Une connexion rendue au pool ne retient pas le processus.
    allowExitOnIdle: true,
  });
  const client = new PrismaClient({
    adapter,
    // Aux heures de pointe, des transmissions au même parquet attendent leur tour sur le compteur
    // de références : elles doivent patienter plutôt qu'échouer au bout des 2 s par défaut.
    transactionOptions: { maxWait: 10_000, timeout: 15_000 },
    log: options.onQuery ? [{ emit: 'event', level: 'query' }] : [],
  });
  if (options.onQuery) {
    const onQuery = options.onQuery;
    client.$on('query' as never, (event: { query: string }) => onQuery(event.query));
  }
  return client;
}

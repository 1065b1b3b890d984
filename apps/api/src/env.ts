import path from 'node:path';
import { z } from 'zod';

/** Les origines de l'application web en développement (Next.js sur le port 3000). */
export const DEFAULT_WEB_ORIGINS = 'http://127.0.0.1:3000,http://localhost:3000';

/** Variables d'environnement, lues et vérifiées une seule fois au démarrage. */
const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z.string().url().optional(),
  /** Dossier de la base embarquée quand DATABASE_URL n'est pas défini. */
  EMBEDDED_DATABASE_DIR: z.string().default(path.resolve(import.meta.dirname, '../../../.data/pglite')),
  /** Durée de vie d'une session ouverte par `login`, en heures. */
  SESSION_TTL_HOURS: z.coerce.number().positive().max(24 * 30).default(12),
  /** Redis partagé par les instances de l'API (événements temps réel) ; sans lui, dans le processus. */
  REDIS_URL: z.string().url().optional(),
  /** Délai au-delà duquel un urgent non enregistré déclenche une alerte (puis à chaque nouveau délai). */
  ESCALATION_DELAY_MINUTES: z.coerce.number().positive().default(15),
  /** Fréquence de la recherche des urgents en retard. */
  ESCALATION_CHECK_SECONDS: z.coerce.number().positive().default(30),
  /** Relecture de sûreté du journal par chaque instance (un signal Redis perdu ne perd aucun événement). */
  EVENT_POLL_MS: z.coerce.number().int().positive().default(2000),
  /**
   * Origines de l'application web (séparées par des virgules) : seules ces pages s'authentifient
   * par le cookie de session, en WebSocket (sinon, détournement de WebSocket inter-sites) comme en
   * HTTP quand la requête porte un en-tête Origin.
   */
  WEB_ORIGINS: z
    .string()
    .default(DEFAULT_WEB_ORIGINS)
    .transform((value) => value.split(',').map((origin) => origin.trim()).filter(Boolean))
    .pipe(
      z
        .array(z.url({ protocol: /^https?$/, error: 'WEB_ORIGINS : des origines http(s) séparées par des virgules.' }))
        .min(1, 'WEB_ORIGINS : au moins une origine.'),
    )
    .transform((origins) => origins.map((origin) => new URL(origin).origin)),
  /** Charge les données de démonstration dans une base vide (par défaut hors production). */
  SEED_DEMO_DATA: z
    .enum(['true', 'false'])
    .optional()
    .transform((value) => (value === undefined ? undefined : value === 'true')),
});

export type Env = z.infer<typeof schema>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Configuration invalide : ${details}`);
  }
  return parsed.data;
}

import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_RETENTION_POLICY, parseRetentionPolicy } from './domains/retention/policy.js';
import { parseSecretKey } from './domains/webhooks/secret-box.js';
import { DEFAULT_EXECUTION_TIMEOUT_MS } from './security/limits.js';

/** Les origines de l'application web en développement (Next.js sur le port 3000). */
export const DEFAULT_WEB_ORIGINS = 'http://127.0.0.1:3000,http://localhost:3000';

/** Une clé de 32 octets en base64. */
const secretKey = z.string().refine((value) => parseSecretKey(value) !== null, 'clé de 32 octets en base64 attendue (openssl rand -base64 32).');

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
  /**
   * Durée maximale (s) pendant laquelle une instance reprend de sa mémoire une session déjà vérifiée,
   * au lieu de la relire en base à chaque requête ; 0 la coupe. Une révocation, une désactivation ou
   * un changement de rôle s'appliquent sans attendre (NOTIFY, domains/auth/session-cache.ts). Sans
   * DATABASE_URL (base embarquée, une seule connexion), la mémoire ne sert pas.
   */
  SESSION_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
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
  /**
   * Durées de conservation par statut (`STATUT=durée`, en années y, mois m ou jours d), appliquées
   * par `npm run retention:purge` : un statut absent n'est jamais purgé.
   */
  RETENTION_POLICY: z
    .string()
    .default(DEFAULT_RETENTION_POLICY)
    .transform((text, ctx) => {
      try {
        return parseRetentionPolicy(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  /** Serveur SMTP des courriels (ex. smtp://utilisateur:secret@smtp.exemple.fr:587) ; sans lui, fichiers .eml dans EMAIL_DIR. */
  SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'SMTP_URL : une adresse smtp:// ou smtps://.' }).optional(),
  /**
   * Dossier des courriels écrits en fichiers .eml quand SMTP_URL n'est pas défini (page /dev/emails) ;
   * par défaut `.data/emails` (un dossier temporaire sous NODE_ENV=test, voir notifications/delivery.ts).
   */
  EMAIL_DIR: z.string().optional(),
  /** Expéditeur des courriels. */
  EMAIL_FROM: z.string().default('infoParquet <ne-pas-repondre@infoparquet.justice.gouv.fr>'),
  /** Adresse de l'application web, pour les liens des courriels. */
  APP_URL: z
    .url({ protocol: /^https?$/, error: 'APP_URL : une adresse http(s).' })
    .default('http://127.0.0.1:3000')
    .transform((url) => url.replace(/\/+$/, '')),
  /** Heure (Europe/Paris) du récapitulatif quotidien des courriels. */
  DIGEST_HOUR: z.coerce.number().int().min(0).max(23).default(8),
  /** Relecture de sûreté du journal et de la boîte d'envoi par le notificateur. */
  NOTIFY_POLL_MS: z.coerce.number().int().positive().default(1500),
  /** Premier délai avant de réessayer un courriel refusé ; doublé à chaque échec, jusqu'à 15 minutes. */
  EMAIL_RETRY_BASE_MS: z.coerce.number().int().positive().default(5000),
  /** `true`/`false` : forcer ou couper l'envoi des courriels (par défaut, partout sauf sous NODE_ENV=test). */
  EMAIL_NOTIFICATIONS: z
    .enum(['true', 'false'])
    .optional()
    .transform((value) => (value === undefined ? undefined : value === 'true')),
  /** Dossier des pièces jointes (stockage local, domains/pieces/storage.ts) ; par défaut `.data/pieces`. */
  STORAGE_DIR: z.string().default(path.resolve(import.meta.dirname, '../../../.data/pieces')),
  /** Taille maximale d'une pièce, en octets (1 Gio par défaut). */
  PIECE_MAX_BYTES: z.coerce.number().int().positive().default(1024 ** 3),
  /** Charge les données de démonstration dans une base vide (par défaut hors production). */
  SEED_DEMO_DATA: z
    .enum(['true', 'false'])
    .optional()
    .transform((value) => (value === undefined ? undefined : value === 'true')),
  // ——— Protections de l'API (security/, README « Limites de l'API ») ———
  /** `true`/`false` : introspection du schéma (par défaut, partout sauf en production). */
  GRAPHQL_INTROSPECTION: z
    .enum(['true', 'false'])
    .optional()
    .transform((value) => (value === undefined ? undefined : value === 'true')),
  /** `true`/`false` : page GraphiQL sur /graphql (par défaut, partout sauf en production ; elle a besoin de l'introspection). */
  GRAPHIQL: z
    .enum(['true', 'false'])
    .optional()
    .transform((value) => (value === undefined ? undefined : value === 'true')),
  /** Durée maximale d'exécution d'une lecture GraphQL, en millisecondes. */
  GRAPHQL_EXECUTION_TIMEOUT_MS: z.coerce.number().int().positive().default(DEFAULT_EXECUTION_TIMEOUT_MS),
  /**
   * Requêtes par minute et par adresse IP, par utilisateur, par jeton d'API ; 0 coupe la limite.
   * Par défaut 1200, 600 et 1200 (security/limits.ts), aucune sous NODE_ENV=test.
   */
  RATE_LIMIT_PER_MINUTE_IP: z.coerce.number().int().min(0).optional(),
  RATE_LIMIT_PER_MINUTE_USER: z.coerce.number().int().min(0).optional(),
  RATE_LIMIT_PER_MINUTE_TOKEN: z.coerce.number().int().min(0).optional(),
  /** Préfixe des compteurs de débit dans Redis (plusieurs déploiements sur un même Redis). */
  RATE_LIMIT_KEY_PREFIX: z.string().min(1).default('infoparquet:debit'),
  /**
   * Nombre de mandataires (reverse proxies) de confiance devant l'API : l'adresse du client est
   * alors lue dans X-Forwarded-For. 0 (défaut) : l'adresse de la connexion.
   */
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  /**
   * Hôtes de webhooks dispensés de la vérification d'adresse publique et autorisés en http (noms ou
   * adresses, séparés par des virgules) : pour les tests et la recette, jamais en production.
   */
  WEBHOOK_ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((value) => value.split(',').map((host) => host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1')).filter(Boolean)),
  /** Premier délai avant de réessayer une livraison de webhook refusée ; doublé à chaque échec, jusqu'à une heure. */
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().positive().default(30_000),
  /** Échecs consécutifs après lesquels une adresse de webhook est désactivée (et ses responsables prévenus). */
  WEBHOOK_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(10),
  /** Relecture du journal et de la file des livraisons de webhooks. */
  WEBHOOK_POLL_MS: z.coerce.number().int().positive().default(1000),
  /**
   * Clé de chiffrement des secrets de webhooks en base (32 octets en base64 : `openssl rand -base64 32`),
   * la même pour toutes les instances ; obligatoire en production (domains/webhooks/secret-box.ts).
   */
  WEBHOOK_SECRET_KEY: secretKey.optional(),
  /** La clé précédente, pendant un changement de clé : les secrets sont rechiffrés au démarrage. */
  WEBHOOK_SECRET_KEY_PREVIOUS: secretKey.optional(),
  /** `true`/`false` : forcer ou couper les livraisons de webhooks (par défaut, avec DATABASE_URL et hors NODE_ENV=test). */
  WEBHOOK_DELIVERIES: z
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

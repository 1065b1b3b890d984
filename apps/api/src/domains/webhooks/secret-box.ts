import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { PrismaClient } from '@infoparquet/db';
import type { Env } from '../../env.js';

/**
 * Les secrets de signature des webhooks sont chiffrés en base (AES-256-GCM). Une copie de la base
 * (sauvegarde, réplique, export) ne suffit donc pas pour signer une livraison à la place
 * d'infoParquet : il faut aussi la clé, qui vit dans l'environnement des instances.
 *
 * - La clé est WEBHOOK_SECRET_KEY (32 octets en base64). La production ne démarre pas sans elle
 *   (server.ts). Hors production, à défaut, une clé de développement fixe est prise : les secrets
 *   sont chiffrés de la même façon, mais avec une clé publique.
 * - Pour changer de clé : la nouvelle dans WEBHOOK_SECRET_KEY, l'ancienne dans
 *   WEBHOOK_SECRET_KEY_PREVIOUS. Au démarrage de chaque instance, chaque secret est rechiffré avec la
 *   nouvelle (`sealStoredWebhookSecrets`, http-server.ts).
 * - Un secret stocké en clair, avant ce chiffrement (`whsec_…`), est relu tel quel, puis chiffré
 *   au démarrage suivant.
 *
 * Forme stockée : `v1.<empreinte de la clé>.<nonce>.<chiffré>.<étiquette>`, en base64url.
 */
export interface SecretBox {
  seal(secret: string): string;
  /** Le secret en clair ; lève une erreur si la valeur a été altérée ou si sa clé n'est pas connue. */
  open(stored: string): string;
  /** Vrai si la valeur est déjà chiffrée avec la clé courante. */
  isCurrent(stored: string): boolean;
}

const FORMAT = 'v1';
const LEGACY_PREFIX = 'whsec_';
/** Clé de développement : connue de tous, jamais en production (server.ts refuse de démarrer sans clé). */
const DEVELOPMENT_KEY = createHash('sha256').update('infoParquet — clé de développement des secrets de webhooks').digest();

const keyId = (key: Buffer) => createHash('sha256').update(key).digest('base64url').slice(0, 8);

/** Une clé de 32 octets en base64 (ou base64url) ; `null` si la valeur n'en est pas une. */
export function parseSecretKey(value: string): Buffer | null {
  const key = Buffer.from(value.trim(), 'base64');
  return key.length === 32 ? key : null;
}

export function createSecretBox(current: Buffer, previous: Buffer[] = []): SecretBox {
  const currentId = keyId(current);
  const keys = new Map([current, ...previous].map((key) => [keyId(key), key]));
  return {
    seal(secret) {
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current, nonce);
      const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
      return [FORMAT, currentId, nonce.toString('base64url'), sealed.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
    },
    open(stored) {
      if (stored.startsWith(LEGACY_PREFIX)) return stored;
      const [format, id, nonce, sealed, tag] = stored.split('.');
      if (format !== FORMAT || !id || nonce === undefined || sealed === undefined || tag === undefined) {
        throw new Error('Secret de webhook illisible : forme inconnue.');
      }
      const key = keys.get(id);
      if (!key) throw new Error(`Secret de webhook chiffré avec une clé inconnue (${id}) : WEBHOOK_SECRET_KEY ou WEBHOOK_SECRET_KEY_PREVIOUS.`);
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(sealed, 'base64url')), decipher.final()]).toString('utf8');
    },
    isCurrent(stored) {
      return stored.startsWith(`${FORMAT}.${currentId}.`);
    },
  };
}

export type SecretKeyEnv = Pick<Env, 'NODE_ENV' | 'WEBHOOK_SECRET_KEY' | 'WEBHOOK_SECRET_KEY_PREVIOUS'>;

/** La boîte des secrets d'après l'environnement (env.ts a vérifié la forme des clés). */
export function webhookSecretBox(env: SecretKeyEnv): SecretBox {
  const current = env.WEBHOOK_SECRET_KEY ? parseSecretKey(env.WEBHOOK_SECRET_KEY)! : DEVELOPMENT_KEY;
  const previous = env.WEBHOOK_SECRET_KEY_PREVIOUS ? [parseSecretKey(env.WEBHOOK_SECRET_KEY_PREVIOUS)!] : [];
  return createSecretBox(current, previous);
}

/** La production exige sa propre clé : sans elle, la clé de développement, publique, chiffrerait les secrets. */
export function missingProductionSecretKey(env: SecretKeyEnv): boolean {
  return env.NODE_ENV === 'production' && !env.WEBHOOK_SECRET_KEY;
}

/**
 * Chiffre avec la clé courante chaque secret qui ne l'est pas encore : en clair (écrit avant le
 * chiffrement) ou chiffré avec la clé précédente. Chaque ligne est réécrite seulement si elle n'a
 * pas changé depuis sa lecture : deux instances qui démarrent ensemble ne se gênent pas. Un secret
 * qu'aucune des clés n'ouvre est laissé tel quel et compté : ses livraisons échoueront avec l'erreur.
 */
export async function sealStoredWebhookSecrets(prisma: PrismaClient, box: SecretBox): Promise<{ sealed: number; unreadable: number }> {
  const endpoints = await prisma.webhookEndpoint.findMany({ select: { id: true, secret: true } });
  const result = { sealed: 0, unreadable: 0 };
  for (const endpoint of endpoints) {
    if (box.isCurrent(endpoint.secret)) continue;
    let secret: string;
    try {
      secret = box.open(endpoint.secret);
    } catch {
      result.unreadable += 1;
      continue;
    }
    const { count } = await prisma.webhookEndpoint.updateMany({ where: { id: endpoint.id, secret: endpoint.secret }, data: { secret: box.seal(secret) } });
    result.sealed += count;
  }
  return result;
}

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Signature des livraisons : `X-InfoParquet-Signature: sha256=<hex>` où hex est le HMAC-SHA256,
 * avec le secret de l'adresse, de `<X-InfoParquet-Timestamp>.<corps>` (horodatage en secondes Unix,
 * un point, le corps exact). L'horodatage signé permet au destinataire de refuser une livraison
 * rejouée longtemps après (docs/API.md donne le code de vérification).
 */
export const SIGNATURE_HEADER = 'X-InfoParquet-Signature';
export const TIMESTAMP_HEADER = 'X-InfoParquet-Timestamp';
export const EVENT_HEADER = 'X-InfoParquet-Event';
export const DELIVERY_HEADER = 'X-InfoParquet-Delivery';

/** Un secret de signature : `whsec_` et 32 octets aléatoires. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

export function signPayload(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Vérifie une signature en temps constant, et que l'horodatage est à moins de `toleranceSeconds` de `now`. */
export function verifySignature(
  secret: string,
  header: { signature: string | null | undefined; timestamp: string | null | undefined },
  body: string,
  options: { toleranceSeconds?: number; now?: number } = {},
): boolean {
  const timestamp = Number(header.timestamp);
  if (!header.signature || !Number.isInteger(timestamp)) return false;
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signPayload(secret, timestamp, body));
  const received = Buffer.from(header.signature);
  return expected.length === received.length && timingSafeEqual(expected, received);
}

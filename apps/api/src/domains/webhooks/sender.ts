import http from 'node:http';
import https from 'node:https';
import type { PrismaClient } from '@infoparquet/db';
import { retryDelayMs } from '../../lib/retry-delay.js';
import { appendChainedAuditEvent } from '../audit/chain.js';
import { guardedLookup, isAllowedHost, isForbiddenAddress, literalAddress } from './address-policy.js';
import type { WebhookPayload } from './dispatcher.js';
import { disabledWebhookEmail } from './emails.js';
import type { SecretBox } from './secret-box.js';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signPayload, TIMESTAMP_HEADER } from './signature.js';

/**
 * L'expéditeur des webhooks : il vide la file `webhook_delivery`, comme celui des courriels vide
 * `outgoing_email` (notifications/sender.ts) — plusieurs instances sans se marcher dessus :
 *
 * - une livraison est réservée par une seule requête (report de son échéance de la durée du bail,
 *   la condition relue sous verrou) et envoyée hors transaction ; seule la plus ancienne en attente
 *   de chaque adresse part, les autres attendent derrière elle (voir claimDue) ;
 * - réponse 2xx en moins de 10 s : SUCCEEDED, et le compteur d'échecs de l'adresse revient à zéro ;
 * - sinon l'échec est noté (statut HTTP ou erreur), le compteur d'échecs consécutifs de l'adresse
 *   augmente et la livraison est réessayée après un délai qui double à chaque échec
 *   (WEBHOOK_RETRY_BASE_MS, 30 s par défaut, jusqu'à une heure) : une adresse en panne est
 *   sollicitée à ce rythme, pas à chaque événement ;
 * - au WEBHOOK_MAX_FAILURES-ième échec consécutif (10 par défaut, soit environ trois heures de
 *   panne), l'adresse est désactivée, ses livraisons en attente passent à FAILED et ses
 *   responsables reçoivent un courriel, dans la même transaction ; on la réactive puis on rejoue
 *   depuis le dernier événement reçu ;
 * - tout est en base : un arrêt ne perd rien (une livraison réservée par une instance arrêtée est
 *   reprise à la fin du bail, et peut alors partir deux fois : le destinataire reconnaît le doublon
 *   à son `X-InfoParquet-Delivery` ou à l'`id` de l'événement).
 */
export interface WebhookSenderOptions {
  retryBaseMs: number;
  maxFailures: number;
  allowedHosts: readonly string[];
  /** Adresse de l'application web, pour le lien du courriel de désactivation. */
  appUrl: string;
  timeoutMs?: number;
  maxRetryDelayMs?: number;
  leaseMs?: number;
  /** Adresses servies en parallèle par tour. */
  batchSize?: number;
  /** Déchiffre le secret de signature de chaque adresse (secret-box.ts). */
  secrets: Pick<SecretBox, 'open'>;
}

export const WEBHOOK_TIMEOUT_MS = 10_000;
export const WEBHOOK_MAX_RETRY_DELAY_MS = 3600_000;
const LEASE_MS = 2 * 60_000;
const BATCH = 20;
const USER_AGENT = 'infoParquet-Webhooks/1.0';

interface Claimed {
  id: string;
  endpoint_id: string;
  url: string;
  /** Chiffré, tel qu'en base. */
  secret: string;
  event: string;
  payload: WebhookPayload;
  attempts: number;
}

/**
 * Réserve la livraison en tête de chaque adresse active (la plus ancienne en attente), si elle est
 * due ; `limit` adresses au plus. Tant que la tête n'est pas reçue, rien ne passe derrière elle :
 * les événements arrivent dans l'ordre, une seule livraison par adresse est en cours (même entre
 * instances : une tête réservée a une échéance future), et une adresse en panne n'est sollicitée
 * qu'au rythme des réessais de sa tête. Deux instances qui visent la même tête : la condition
 * `next_attempt_at <= now()`, relue sous le verrou de la ligne, n'en laisse passer qu'une.
 */
async function claimDue(prisma: PrismaClient, limit: number, leaseMs: number): Promise<Claimed[]> {
  return prisma.$queryRaw<Claimed[]>`
    UPDATE webhook_delivery d
    SET attempts = d.attempts + 1,
        next_attempt_at = now() + ${leaseMs} * interval '1 millisecond'
    FROM webhook_endpoint e
    WHERE e.id = d.endpoint_id AND e.active
      AND d.status = 'PENDING' AND d.next_attempt_at <= now()
      AND d.id IN (
        SELECT head.id FROM (
          SELECT DISTINCT ON (p.endpoint_id) p.id, p.next_attempt_at
          FROM webhook_delivery p JOIN webhook_endpoint pe ON pe.id = p.endpoint_id AND pe.active
          WHERE p.status = 'PENDING'
          ORDER BY p.endpoint_id, p.audit_event_id
        ) head
        WHERE head.next_attempt_at <= now()
        LIMIT ${limit}
      )
    RETURNING d.id::text AS id, d.endpoint_id::text AS endpoint_id, e.url, e.secret, d.event, d.payload, d.attempts`;
}

export type DeliveryOutcome = { ok: true; status: number } | { ok: false; status: number | null; error: string };

/** Le corps exact d'une livraison (clés dans un ordre fixe). */
export function deliveryBody(payload: WebhookPayload): string {
  return JSON.stringify({
    id: payload.id,
    event: payload.event,
    signalementId: payload.signalementId,
    reference: payload.reference,
    occurredAt: payload.occurredAt,
  });
}

/** Un envoi : POST signé, sans suivre de redirection, en `timeoutMs` au plus. */
export function deliverWebhook(delivery: Pick<Claimed, 'id' | 'url' | 'secret' | 'event' | 'payload'>, options: Pick<WebhookSenderOptions, 'allowedHosts' | 'timeoutMs'>): Promise<DeliveryOutcome> {
  let url: URL;
  try {
    url = new URL(delivery.url);
  } catch {
    return Promise.resolve({ ok: false, status: null, error: 'Adresse illisible.' });
  }
  const allowed = isAllowedHost(url, options.allowedHosts);
  if (!allowed) {
    if (url.protocol !== 'https:') return Promise.resolve({ ok: false, status: null, error: 'Adresse refusée : https obligatoire.' });
    const literal = literalAddress(url);
    if (literal && isForbiddenAddress(literal)) return Promise.resolve({ ok: false, status: null, error: `Adresse refusée : ${literal} est interne.` });
  }
  const body = deliveryBody(delivery.payload);
  const timestamp = Math.floor(Date.now() / 1000);
  const headers = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    'user-agent': USER_AGENT,
    [EVENT_HEADER]: delivery.event,
    [DELIVERY_HEADER]: delivery.id,
    [TIMESTAMP_HEADER]: String(timestamp),
    [SIGNATURE_HEADER]: signPayload(delivery.secret, timestamp, body),
  };
  const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: DeliveryOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const request = (url.protocol === 'https:' ? https : http).request(
      url,
      // Nouvelle connexion à chaque envoi, à l'adresse que vient de vérifier guardedLookup.
      { method: 'POST', headers, agent: false, ...(allowed ? {} : { lookup: guardedLookup }) },
      (response) => {
        const status = response.statusCode ?? 0;
        response.resume();
        if (status >= 200 && status < 300) finish({ ok: true, status });
        else finish({ ok: false, status, error: `HTTP ${status}` });
      },
    );
    const timer = setTimeout(() => {
      finish({ ok: false, status: null, error: `Pas de réponse en ${Math.round(timeoutMs / 1000)} s.` });
      request.destroy();
    }, timeoutMs);
    request.on('error', (error: Error & { code?: string }) => finish({ ok: false, status: null, error: `${error.code ? `${error.code} ` : ''}${error.message}`.slice(0, 500) }));
    request.end(body);
  });
}

async function recordSuccess(prisma: PrismaClient, delivery: Claimed, status: number) {
  await prisma.$transaction(async (tx) => {
    // L'adresse d'abord, puis la livraison : le même ordre de verrous qu'un échec.
    await tx.webhookEndpoint.update({ where: { id: delivery.endpoint_id }, data: { consecutiveFailures: 0 } });
    await tx.webhookDelivery.update({
      where: { id: delivery.id },
      data: { status: 'SUCCEEDED', deliveredAt: new Date(), lastStatusCode: status, lastError: null },
    });
  });
}

/** Rend vrai si l'adresse vient d'être désactivée. */
async function recordFailure(prisma: PrismaClient, delivery: Claimed, outcome: Extract<DeliveryOutcome, { ok: false }>, options: WebhookSenderOptions): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const [endpoint] = await tx.$queryRaw<{ consecutive_failures: number; active: boolean; organization_id: string; url: string }[]>`
      UPDATE webhook_endpoint SET consecutive_failures = consecutive_failures + 1
      WHERE id = ${delivery.endpoint_id}::uuid
      RETURNING consecutive_failures, active, organization_id::text AS organization_id, url`;
    if (!endpoint) return false; // supprimée entre-temps (ses livraisons avec elle)
    const delay = retryDelayMs(endpoint.consecutive_failures, options.retryBaseMs, options.maxRetryDelayMs ?? WEBHOOK_MAX_RETRY_DELAY_MS);
    await tx.$executeRaw`
      UPDATE webhook_delivery
      SET last_status_code = ${outcome.status}, last_error = ${outcome.error}, next_attempt_at = now() + ${delay} * interval '1 millisecond'
      WHERE id = ${delivery.id}::uuid`;
    if (!endpoint.active || endpoint.consecutive_failures < options.maxFailures) return false;

    const reason = `${endpoint.consecutive_failures} échecs consécutifs, le dernier : ${outcome.error}`.slice(0, 500);
    await tx.webhookEndpoint.update({ where: { id: delivery.endpoint_id }, data: { active: false, disabledAt: new Date(), disabledReason: reason } });
    await tx.webhookDelivery.updateMany({ where: { endpointId: delivery.endpoint_id, status: 'PENDING' }, data: { status: 'FAILED' } });
    const managers = await tx.user.findMany({
      where: { organizationId: endpoint.organization_id, active: true, role: { in: ['MANAGER', 'HEAD'] } },
      select: { id: true, email: true },
      orderBy: { email: 'asc' },
    });
    const content = disabledWebhookEmail(endpoint.url, reason, options.appUrl);
    if (managers.length > 0) {
      await tx.outgoingEmail.createMany({ data: managers.map((manager) => ({ toAddress: manager.email, userId: manager.id, ...content })) });
    }
    await appendChainedAuditEvent(tx, {
      actorId: null,
      organizationId: endpoint.organization_id,
      action: 'WEBHOOK_DISABLED',
      targetType: 'WebhookEndpoint',
      targetId: delivery.endpoint_id,
      internal: true,
      after: { reason, notified: managers.length },
    });
    return true;
  });
}

export interface WebhookSendResult {
  delivered: number;
  failed: number;
  disabled: number;
}

/** Déchiffre le secret puis envoie ; un secret illisible (clé inconnue, valeur altérée) est un échec de la livraison, noté et réessayé. */
function deliverSealed(delivery: Claimed, options: WebhookSenderOptions): Promise<DeliveryOutcome> {
  let secret: string;
  try {
    secret = options.secrets.open(delivery.secret);
  } catch (error) {
    return Promise.resolve({ ok: false, status: null, error: (error as Error).message });
  }
  return deliverWebhook({ ...delivery, secret }, options);
}

/** Envoie tout ce qui est dû ; rend le nombre de livraisons réussies, refusées, et d'adresses désactivées. */
export async function sendDueWebhooks(prisma: PrismaClient, options: WebhookSenderOptions): Promise<WebhookSendResult> {
  const result: WebhookSendResult = { delivered: 0, failed: 0, disabled: 0 };
  const limit = options.batchSize ?? BATCH;
  for (;;) {
    const claimed = await claimDue(prisma, limit, options.leaseMs ?? LEASE_MS);
    if (claimed.length === 0) return result;
    await Promise.all(
      claimed.map(async (delivery) => {
        const outcome = await deliverSealed(delivery, options);
        if (outcome.ok) {
          result.delivered += 1;
          await recordSuccess(prisma, delivery, outcome.status);
        } else {
          result.failed += 1;
          if (await recordFailure(prisma, delivery, outcome, options)) result.disabled += 1;
        }
      }),
    );
  }
}

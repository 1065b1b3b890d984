import type { PrismaClient } from '@infoparquet/db';
import { z } from 'zod';
import { BadUserInputError, NotFoundError } from '../../errors.js';
import { SIGNALEMENT_EVENT_KINDS, type SignalementEventKind } from '../../realtime/events.js';
import { appendAuditEvent } from '../audit/chain.js';
import type { Viewer } from '../auth/sessions.js';
import { PAGE_MAX } from '../../lib/pagination.js';
import { readFeed } from '../feed/repository.js';
import { lockWebhookCursor, webhookPayload } from './dispatcher.js';
import type { SecretBox } from './secret-box.js';
import { newWebhookSecret } from './signature.js';

/** Limites des webhooks (docs/API.md). */
export const WEBHOOK_LIMITS = {
  /** Adresses par organisation. */
  maxEndpoints: 10,
  descriptionMaxLength: 200,
  /** Événements remis en file par appel de `replayWebhookDeliveries` (appeler de nouveau avec la position rendue). */
  replayMax: 1000,
} as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KINDS = Object.values(SIGNALEMENT_EVENT_KINDS) as [SignalementEventKind, ...SignalementEventKind[]];

export const webhookInputSchema = z.object({
  events: z
    .array(z.enum(KINDS))
    .min(1, 'Événements : au moins un (ex. TRANSMITTED, DECIDED).')
    .transform((events) => [...new Set(events)]),
  description: z
    .string()
    .trim()
    .max(WEBHOOK_LIMITS.descriptionMaxLength, `Description : ${WEBHOOK_LIMITS.descriptionMaxLength} caractères au plus.`)
    .nullish()
    .transform((text) => text || null),
});

function auditScope(viewer: Viewer, endpointId: string) {
  return {
    actorId: viewer.userId,
    organizationId: viewer.organizationId,
    apiTokenId: viewer.apiToken?.id,
    targetType: 'WebhookEndpoint',
    targetId: endpointId,
    internal: true,
  };
}

/** Une adresse de l'organisation du demandeur ; celle d'une autre répond comme une inconnue. */
export async function findOwnWebhook(prisma: PrismaClient, viewer: Viewer, id: string | null) {
  const endpoint = id && UUID.test(id) ? await prisma.webhookEndpoint.findFirst({ where: { id, organizationId: viewer.organizationId } }) : null;
  if (!endpoint) throw new NotFoundError('Webhook');
  return endpoint;
}

/**
 * Enregistre une adresse (déjà vérifiée) ; rend son identifiant et son secret, montré cette seule
 * fois. La base n'en garde que la version chiffrée (secret-box.ts).
 */
export async function registerWebhook(
  prisma: PrismaClient,
  viewer: Viewer,
  input: { url: string; events: SignalementEventKind[]; description: string | null },
  secrets: SecretBox,
): Promise<{ id: string; secret: string }> {
  const secret = newWebhookSecret();
  const id = await prisma.$transaction(async (tx) => {
    // Sérialise les enregistrements d'une organisation : la limite du nombre d'adresses tient.
    await tx.$queryRaw`SELECT id FROM organization WHERE id = ${viewer.organizationId}::uuid FOR UPDATE`;
    const count = await tx.webhookEndpoint.count({ where: { organizationId: viewer.organizationId } });
    if (count >= WEBHOOK_LIMITS.maxEndpoints) {
      throw new BadUserInputError([{ field: 'url', message: `Adresse : ${WEBHOOK_LIMITS.maxEndpoints} adresses de webhook au plus par organisation ; supprimez-en une.` }]);
    }
    // Le répartiteur a sa position avant que l'adresse existe : aucun événement postérieur ne lui échappe.
    await lockWebhookCursor(tx);
    const created = await tx.webhookEndpoint.create({
      data: { organizationId: viewer.organizationId, url: input.url, events: input.events, description: input.description, secret: secrets.seal(secret), createdById: viewer.userId },
    });
    await appendAuditEvent(tx, { ...auditScope(viewer, created.id), action: 'WEBHOOK_REGISTERED', after: { url: input.url, events: input.events, description: input.description } });
    return created.id;
  });
  return { id, secret };
}

export async function deleteWebhook(prisma: PrismaClient, viewer: Viewer, id: string): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const { count } = await tx.webhookEndpoint.deleteMany({ where: { id, organizationId: viewer.organizationId } });
    if (count === 0) throw new NotFoundError('Webhook');
    await appendAuditEvent(tx, { ...auditScope(viewer, id), action: 'WEBHOOK_DELETED' });
  });
}

/** Réactive une adresse désactivée (compteur d'échecs à zéro) ; sans effet sur une adresse active. */
export async function enableWebhook(prisma: PrismaClient, viewer: Viewer, id: string): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const { count } = await tx.webhookEndpoint.updateMany({
      where: { id, organizationId: viewer.organizationId, active: false },
      data: { active: true, consecutiveFailures: 0, disabledAt: null, disabledReason: null },
    });
    if (count > 0) await appendAuditEvent(tx, { ...auditScope(viewer, id), action: 'WEBHOOK_ENABLED' });
  });
}

export interface ReplayResult {
  enqueued: number;
  /** Position atteinte : à repasser en `after` si `hasMore`. */
  position: string | null;
  hasMore: boolean;
}

/**
 * Remet en file, pour une adresse, une livraison de chaque événement visible de son organisation
 * après `after` (un curseur du flux) et du genre qu'elle a demandé — même déjà livré : c'est un
 * rejeu. Au plus WEBHOOK_LIMITS.replayMax événements par appel.
 */
export async function replayWebhookDeliveries(
  prisma: PrismaClient,
  viewer: Viewer,
  endpoint: { id: string; events: string[]; organizationId: string },
  after: bigint,
): Promise<ReplayResult> {
  let position = after;
  let enqueued = 0;
  let hasMore = true;
  let read = 0;
  while (hasMore && read < WEBHOOK_LIMITS.replayMax) {
    const page = await readFeed(prisma, viewer, position, Math.min(PAGE_MAX, WEBHOOK_LIMITS.replayMax - read));
    read += page.rows.length;
    hasMore = page.hasNextPage;
    position = page.position ?? position;
    const wanted = page.rows.filter((row) => endpoint.events.includes(row.kind));
    if (wanted.length > 0) {
      const rows = wanted.map((row) => ({
        audit_event_id: row.id.toString(),
        event: row.kind,
        payload: webhookPayload({ id: row.id, at: row.at, signalementId: row.signalementId }, row.kind, row.reference),
      }));
      // Une requête par page : nouvelle livraison, ou livraison existante remise à zéro.
      await prisma.$executeRaw`
        INSERT INTO webhook_delivery (id, endpoint_id, audit_event_id, event, payload, status, attempts, next_attempt_at)
        SELECT gen_random_uuid(), ${endpoint.id}::uuid, x.audit_event_id, x.event, x.payload, 'PENDING', 0, now()
        FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(audit_event_id bigint, event text, payload jsonb)
        ON CONFLICT (endpoint_id, audit_event_id) DO UPDATE
        SET status = 'PENDING', attempts = 0, next_attempt_at = now(), last_status_code = NULL, last_error = NULL,
            delivered_at = NULL, payload = EXCLUDED.payload`;
    }
    enqueued += wanted.length;
  }
  await appendAuditEvent(prisma, { ...auditScope(viewer, endpoint.id), action: 'WEBHOOK_REPLAYED', after: { after: after.toString(), position: position.toString(), enqueued } });
  return { enqueued, position: position > 0n ? position.toString() : null, hasMore };
}

import type { OrganizationKind, Prisma, PrismaClient } from '@infoparquet/db';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { advanceJournalCursor, journalHead, lockJournalCursor } from '../audit/journal-cursor.js';
import { LOGGED_EVENT_SELECT, SIGNALEMENT_EVENT_KINDS, visibleSignalementEvent, type LoggedEvent, type SignalementEventKind } from '../../realtime/events.js';
import type { Viewer } from '../auth/sessions.js';

type Tx = Prisma.TransactionClient;

/**
 * Le répartiteur : il lit le journal d'audit après sa position (`notification_cursor`, ligne
 * « webhooks ») et, pour chaque changement de signalement, met en file une livraison par adresse
 * active dont l'organisation peut voir l'événement (la règle du flux `events`) et qui l'a demandé,
 * puis avance sa position — le tout dans une transaction par lot, la ligne de position verrouillée
 * (FOR UPDATE) : deux instances ne répartissent jamais le même lot, un arrêt ne perd rien. Comme
 * le notificateur des courriels, il lit d'abord la borne haute du journal puis les événements
 * jusqu'à elle (sans trou : voir audit/chain.ts et feed/repository.ts).
 */
export const WEBHOOK_CURSOR = 'webhooks';
const BATCH = 500;

export interface WebhookPayload {
  /** Curseur du flux `events` : reprendre après lui (`events(after:)`, `replayWebhookDeliveries`). */
  id: string;
  event: SignalementEventKind;
  signalementId: string;
  reference: string | null;
  occurredAt: string;
}

/** Le contenu d'une livraison : l'événement et de quoi relire le signalement, jamais son contenu. */
export function webhookPayload(event: { id: bigint; at: Date; signalementId: string }, kind: SignalementEventKind, reference: string | null): WebhookPayload {
  return {
    id: event.id.toString(),
    event: kind,
    signalementId: encodeGlobalID('Signalement', event.signalementId),
    reference,
    occurredAt: event.at.toISOString(),
  };
}

/** Ce qu'une organisation voit du journal : la règle des écrans en direct, appliquée à toute l'organisation. */
export function organizationAudience(organizationId: string, kind: OrganizationKind): Viewer {
  return {
    userId: '',
    sessionId: '',
    // Un lecteur d'administration, un membre du parquet : toute l'organisation, sans privilège de rôle.
    role: kind === 'PARQUET' ? 'CLERK' : 'READER',
    organizationId,
    organizationKind: kind,
    organizationCode: '',
  };
}

/** La position du répartiteur, verrouillée jusqu'à la fin de la transaction ; créée à la fin du journal si elle manque. */
export function lockWebhookCursor(tx: Tx): Promise<bigint> {
  return lockJournalCursor(tx, WEBHOOK_CURSOR);
}

/** Les références des signalements (celle de la pierre tombale pour un purgé). */
async function referencesOf(tx: Tx, ids: string[]): Promise<Map<string, string | null>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.$queryRaw<{ id: string; reference: string | null }[]>`
    SELECT id::text AS id, reference FROM signalement WHERE id = ANY(${ids}::uuid[])
    UNION ALL
    SELECT id::text AS id, reference FROM signalement_tombstone WHERE id = ANY(${ids}::uuid[])`;
  return new Map(rows.map((row) => [row.id, row.reference]));
}

export interface DispatchResult {
  events: number;
  deliveries: number;
  more: boolean;
}

/** Un lot : au plus `batchSize` événements, dans une transaction. */
export async function dispatchWebhookBatch(prisma: PrismaClient, batchSize = BATCH): Promise<DispatchResult> {
  return prisma.$transaction(
    async (tx) => {
      const position = await lockWebhookCursor(tx);
      const upTo = await journalHead(tx);
      if (upTo <= position) return { events: 0, deliveries: 0, more: false };
      const endpoints = await tx.webhookEndpoint.findMany({
        where: { active: true },
        select: { id: true, organizationId: true, events: true, organization: { select: { kind: true } } },
      });
      if (endpoints.length === 0) {
        // Personne à servir : la position saute à la borne haute.
        await advanceJournalCursor(tx, WEBHOOK_CURSOR, upTo);
        return { events: 0, deliveries: 0, more: false };
      }
      const events = (await tx.auditEvent.findMany({
        where: { id: { gt: position, lte: upTo }, action: { in: Object.keys(SIGNALEMENT_EVENT_KINDS) }, signalementId: { not: null } },
        orderBy: { id: 'asc' },
        take: batchSize,
        select: LOGGED_EVENT_SELECT,
      })) as LoggedEvent[];
      const audiences = endpoints.map((endpoint) => ({ endpoint, viewer: organizationAudience(endpoint.organizationId, endpoint.organization.kind) }));
      const references = await referencesOf(tx, [...new Set(events.map((event) => event.signalementId!))]);
      const deliveries: Prisma.WebhookDeliveryCreateManyInput[] = [];
      for (const event of events) {
        for (const { endpoint, viewer } of audiences) {
          const kind = visibleSignalementEvent(event, viewer);
          if (!kind || !endpoint.events.includes(kind)) continue;
          const payload = webhookPayload({ id: event.id, at: event.at, signalementId: event.signalementId! }, kind, references.get(event.signalementId!) ?? null);
          deliveries.push({ endpointId: endpoint.id, auditEventId: event.id, event: kind, payload: payload as unknown as Prisma.InputJsonValue });
        }
      }
      if (deliveries.length > 0) await tx.webhookDelivery.createMany({ data: deliveries, skipDuplicates: true });
      const more = events.length === batchSize;
      await advanceJournalCursor(tx, WEBHOOK_CURSOR, more ? events.at(-1)!.id : upTo);
      return { events: events.length, deliveries: deliveries.length, more };
    },
    { timeout: 60_000 },
  );
}

/** Répartit tout ce qui attend. */
export async function dispatchWebhooks(prisma: PrismaClient): Promise<number> {
  let total = 0;
  for (;;) {
    const result = await dispatchWebhookBatch(prisma);
    total += result.deliveries;
    if (!result.more) return total;
  }
}

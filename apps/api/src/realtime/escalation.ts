import type { PrismaClient } from '@infoparquet/db';
import { appendChainedAuditEvent } from '../domains/audit/chain.js';

/** Verrou consultatif : une seule instance à la fois fait le tour des urgents en attente. */
const ESCALATION_LOCK = 40_3_2026;

export interface EscalationOptions {
  /** Délai au-delà duquel un urgent non enregistré déclenche une alerte, puis à chaque nouveau délai. */
  delayMs: number;
  /** Fréquence du tour. */
  intervalMs: number;
  onEscalated: () => void;
}

/**
 * Un tour : dans une transaction qui tient le verrou d'escalade (sinon une autre instance fait
 * le tour et celle-ci passe), chaque urgent transmis depuis plus de (n+1) délais sans avoir été
 * enregistré reçoit sa n+1-ième alerte, écrite au journal (ESCALATED), ce qui la diffuse. Le
 * compteur d'alertes sur le signalement empêche qu'une même alerte parte deux fois.
 */
export async function escalateOverdue(prisma: PrismaClient, delayMs: number): Promise<number> {
  return prisma.$transaction(async (tx) => {
    const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(${ESCALATION_LOCK}) AS locked`;
    if (!lock?.locked) return 0;
    const overdue = await tx.$queryRaw<{ id: string; administration_id: string; parquet_id: string; escalation_count: number }[]>`
      SELECT id, administration_id, parquet_id, escalation_count
      FROM signalement
      WHERE status = 'TRANSMITTED' AND urgent
        AND transmitted_at + (escalation_count + 1) * ${delayMs} * interval '1 millisecond' <= now()
      ORDER BY transmitted_at
      FOR UPDATE SKIP LOCKED`;
    for (const row of overdue) {
      const level = row.escalation_count + 1;
      await tx.signalement.update({ where: { id: row.id }, data: { escalationCount: level } });
      await appendChainedAuditEvent(tx, {
        actorId: null,
        organizationId: null,
        action: 'SIGNALEMENT_ESCALATED',
        targetType: 'Signalement',
        targetId: row.id,
        signalementId: row.id,
        administrationId: row.administration_id,
        parquetId: row.parquet_id,
        internal: true,
        before: { status: 'TRANSMITTED', urgent: true, escalationCount: row.escalation_count },
        after: { status: 'TRANSMITTED', urgent: true, escalationCount: level },
      });
    }
    return overdue.length;
  });
}

export function startEscalation(prisma: PrismaClient, options: EscalationOptions) {
  let running: Promise<void> | null = null;
  const tick = () => {
    running ??= (async () => {
      try {
        if ((await escalateOverdue(prisma, options.delayMs)) > 0) options.onEscalated();
      } catch (error) {
        console.error('[escalade] tour impossible', error);
      } finally {
        running = null;
      }
    })();
    return running;
  };
  const timer = setInterval(() => void tick(), options.intervalMs);
  timer.unref();
  return {
    tick,
    /** Arrête les tours et attend la fin de celui en cours. */
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}

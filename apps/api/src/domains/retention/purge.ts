import type { Prisma, PrismaClient, SignalementStatus } from '@infoparquet/db';
import { appendChainedAuditEvent } from '../audit/chain.js';
import { expiryThreshold, PURGEABLE_STATUSES, type PurgeableStatus, type RetentionPolicy } from './policy.js';

/** Ce que la purge sait effacer du stockage des pièces (voir domains/pieces/storage.ts). */
export interface PurgeStorage {
  remove(key: string): Promise<void>;
}

export interface PurgeOptions {
  policy: RetentionPolicy;
  storage: PurgeStorage;
  now?: Date;
  /** Liste ce qui serait purgé, sans rien écrire. */
  dryRun?: boolean;
  /** Signalements lus par tour (chacun est ensuite purgé dans sa propre transaction). */
  batchSize?: number;
}

export interface PurgedSignalement {
  id: string;
  reference: string | null;
  status: PurgeableStatus;
  pieceCount: number;
}

export interface PurgeReport {
  purged: PurgedSignalement[];
  /** Fichiers de pièces que le stockage n'a pas pu effacer (la base, elle, est purgée) : à reprendre à la main. */
  storageFailures: { key: string; error: string }[];
  /** Signalements modifiés pendant la purge, laissés en place (ils seront revus au prochain passage). */
  skipped: number;
}

/**
 * La date d'où court la conservation : la clôture pour un signalement clos ; la dernière écriture
 * pour un retrait ou un brouillon (plus rien ne les modifie ensuite, sauf un brouillon qu'on reprend,
 * ce qui repousse justement son échéance).
 */
const CLOCK_COLUMN: Record<PurgeableStatus, 'closedAt' | 'updatedAt'> = {
  CLOSED: 'closedAt',
  WITHDRAWN: 'updatedAt',
  DRAFT: 'updatedAt',
};

/**
 * Purge les signalements dont la durée de conservation est échue, un par transaction :
 *  1. le journal reçoit l'événement SIGNALEMENT_PURGED (référence, statut, durée appliquée) ;
 *  2. une pierre tombale garde la référence, les dates, l'empreinte du contenu et le nombre de pièces,
 *     si bien que l'existence du signalement reste prouvable ;
 *  3. le contenu des événements du journal qui le concernent est effacé (leurs empreintes restent,
 *     la chaîne reste vérifiable) ;
 *  4. le signalement et tout ce qui en dépend (historique, décisions, messages, pièces, courriels) est supprimé ;
 *  5. après le commit seulement, les fichiers des pièces sont effacés du stockage.
 * Un signalement modifié entre la sélection et la purge (version changée) est laissé pour le passage suivant.
 */
export async function purgeExpiredSignalements(prisma: PrismaClient, options: PurgeOptions): Promise<PurgeReport> {
  const now = options.now ?? new Date();
  const batchSize = options.batchSize ?? 200;
  const report: PurgeReport = { purged: [], storageFailures: [], skipped: 0 };

  for (const status of PURGEABLE_STATUSES) {
    const period = options.policy[status];
    if (!period) continue;
    const threshold = expiryThreshold(period, now);
    const clock = CLOCK_COLUMN[status];
    let afterId: string | undefined;
    for (;;) {
      const candidates = await prisma.signalement.findMany({
        where: { status, [clock]: { lt: threshold }, ...(afterId ? { id: { gt: afterId } } : {}) },
        orderBy: { id: 'asc' },
        take: batchSize,
        select: { id: true, reference: true, version: true, _count: { select: { pieces: true } } },
      });
      if (candidates.length === 0) break;
      afterId = candidates[candidates.length - 1]!.id;
      for (const candidate of candidates) {
        if (options.dryRun) {
          report.purged.push({ id: candidate.id, reference: candidate.reference, status, pieceCount: candidate._count.pieces });
          continue;
        }
        const outcome = await purgeOne(prisma, candidate.id, candidate.version, status, period.text, now);
        if (!outcome) {
          report.skipped += 1;
          continue;
        }
        report.purged.push({ id: candidate.id, reference: candidate.reference, status, pieceCount: outcome.storageKeys.length });
        for (const key of outcome.storageKeys) {
          try {
            await options.storage.remove(key);
          } catch (error) {
            report.storageFailures.push({ key, error: error instanceof Error ? error.message : String(error) });
          }
        }
      }
      if (candidates.length < batchSize) break;
    }
  }
  return report;
}

async function purgeOne(
  prisma: PrismaClient,
  id: string,
  version: number,
  status: SignalementStatus,
  retention: string,
  now: Date,
): Promise<{ storageKeys: string[] } | null> {
  return prisma.$transaction(async (tx) => {
    // Verrouillé et relu : un brouillon repris entre-temps n'est pas purgé.
    const [current] = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM signalement WHERE id = ${id}::uuid AND version = ${version} AND status = ${status}::"SignalementStatus" FOR UPDATE`;
    if (!current) return null;
    const signalement = await tx.signalement.findUniqueOrThrow({ where: { id } });
    const pieces = await tx.piece.findMany({ where: { signalementId: id }, select: { storageKey: true } });

    const purgeEventId = await appendChainedAuditEvent(tx, {
      actorId: null,
      organizationId: null,
      action: 'SIGNALEMENT_PURGED',
      targetType: 'Signalement',
      targetId: id,
      signalementId: id,
      administrationId: signalement.administrationId,
      parquetId: signalement.parquetId,
      before: { status, reference: signalement.reference },
      after: { purged: true, retention, pieceCount: pieces.length },
    });
    await tx.signalementTombstone.create({
      data: {
        id,
        reference: signalement.reference,
        administrationId: signalement.administrationId,
        parquetId: signalement.parquetId,
        statusAtPurge: status,
        contentHash: signalement.contentHash,
        createdAt: signalement.createdAt,
        transmittedAt: signalement.transmittedAt,
        closedAt: signalement.closedAt,
        purgedAt: now,
        pieceCount: pieces.length,
        purgeEventId,
      },
    });
    await redactJournal(tx, id, purgeEventId, now);
    await tx.digestItem.deleteMany({ where: { signalementId: id } });
    await tx.outgoingEmail.deleteMany({ where: { signalementId: id } });
    await tx.signalement.delete({ where: { id } });
    return { storageKeys: pieces.map((piece) => piece.storageKey) };
  });
}

/**
 * Efface le contenu (before/after) des événements du signalement, sauf celui de la purge. Les
 * événements écrits avant l'empreinte de contenu (payload_digest nul) ne peuvent pas l'être sans
 * rompre la chaîne : ils restent tels quels.
 */
async function redactJournal(tx: Prisma.TransactionClient, signalementId: string, purgeEventId: bigint, now: Date) {
  await tx.$executeRaw`
    UPDATE audit_event SET "before" = NULL, "after" = NULL, redacted_at = ${now}
    WHERE signalement_id = ${signalementId}::uuid AND id <> ${purgeEventId}
      AND payload_digest IS NOT NULL AND redacted_at IS NULL
      AND ("before" IS NOT NULL OR "after" IS NOT NULL)`;
}

import type { PrismaClient, Signalement } from '@infoparquet/db';
import { AppError } from '../../errors.js';
import { appendAuditEvent } from '../audit/chain.js';
import type { Viewer } from '../auth/sessions.js';
import { findVisibleSignalement } from '../signalements/repository.js';
import type { DepositedPiece, ProofOfDeposit } from './proof-of-deposit.js';

/** Un brouillon n'a pas encore d'accusé de réception (HTTP 409). */
export class NotYetTransmittedError extends AppError {
  constructor() {
    super('CONFLICT', 'Le signalement n’a pas encore été transmis.');
  }
}

export interface LoadedProofOfDeposit {
  signalement: Signalement;
  deposit: ProofOfDeposit;
  pieces: DepositedPiece[];
}

/**
 * Les données de l'accusé de réception, lues dans le périmètre du demandeur : hors périmètre ou
 * inconnu, NOT_FOUND ; brouillon, NotYetTransmittedError. L'expéditeur est l'auteur de l'étape
 * `transmit` ; le parquet destinataire est celui d'alors (le premier transfert, s'il y en a eu un,
 * a été fait par lui), le parquet actuel n'étant cité que s'il a changé.
 */
export async function loadProofOfDeposit(prisma: PrismaClient, viewer: Viewer, id: string): Promise<LoadedProofOfDeposit> {
  const signalement = await findVisibleSignalement(prisma, viewer, id);
  if (signalement.status === 'DRAFT' || !signalement.reference || !signalement.transmittedAt || !signalement.contentHash) {
    throw new NotYetTransmittedError();
  }
  const [administration, transmission, firstTransfer, currentParquet] = await Promise.all([
    prisma.organization.findUniqueOrThrow({ where: { id: signalement.administrationId }, select: { name: true } }),
    prisma.statusChange.findFirst({
      where: { signalementId: signalement.id, action: 'transmit' },
      orderBy: { at: 'asc' },
      select: { actor: { select: { firstName: true, lastName: true } } },
    }),
    prisma.statusChange.findFirst({
      where: { signalementId: signalement.id, action: 'transfer' },
      orderBy: { at: 'asc' },
      select: { organizationId: true },
    }),
    signalement.parquetId
      ? prisma.organization.findUnique({ where: { id: signalement.parquetId }, select: { id: true, name: true } })
      : null,
  ]);
  const originalParquet =
    firstTransfer && firstTransfer.organizationId !== currentParquet?.id
      ? await prisma.organization.findUnique({ where: { id: firstTransfer.organizationId }, select: { name: true } })
      : null;
  const parquetName = originalParquet?.name ?? currentParquet?.name ?? '—';
  const agent = transmission?.actor;
  return {
    signalement,
    deposit: {
      reference: signalement.reference,
      transmittedAt: signalement.transmittedAt,
      administrationName: administration.name,
      agentName: agent ? `${agent.firstName} ${agent.lastName}` : '—',
      parquetName,
      transferredToName: originalParquet && currentParquet ? currentParquet.name : null,
      title: signalement.title,
      contentHash: signalement.contentHash,
    },
    // Pas encore de modèle de pièce : la liste viendra de lui, dans l'ordre de dépôt.
    pieces: [],
  };
}

/** Chaque téléchargement d'un document est consigné, comme une consultation. */
export async function recordDocumentDownload(
  prisma: PrismaClient,
  viewer: Viewer,
  signalement: Pick<Signalement, 'id' | 'administrationId' | 'parquetId'>,
  document: 'PROOF_OF_DEPOSIT',
): Promise<void> {
  await prisma.$transaction(async (tx) => {
    await appendAuditEvent(tx, {
      actorId: viewer.userId,
      organizationId: viewer.organizationId,
      action: 'DOCUMENT_DOWNLOADED',
      targetType: 'Signalement',
      targetId: signalement.id,
      signalementId: signalement.id,
      administrationId: signalement.administrationId,
      parquetId: signalement.parquetId,
      internal: true,
      after: { document },
    });
  });
}

import type { Prisma, PrismaClient, Signalement } from '@infoparquet/db';
import { AppError } from '../../errors.js';
import { appendAuditEvent } from '../audit/chain.js';
import type { Viewer } from '../auth/sessions.js';
import { depositedPieces } from '../pieces/repository.js';
import { findVisibleSignalement } from '../signalements/repository.js';
import type { AvisDeDecision } from './avis-de-decision.js';
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
  const [administration, transmission, firstTransfer, currentParquet, pieces] = await Promise.all([
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
    depositedPieces(prisma, signalement.id),
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
    // Les pièces transmises avec le signalement, dans l'ordre du dépôt ; jamais les compléments.
    pieces,
  };
}

/**
 * Chaque téléchargement d'un document est consigné, comme une consultation ; `within` écrit, dans
 * la même transaction, ce que ce téléchargement change (la première lecture d'un avis).
 */
export async function recordDocumentDownload(
  prisma: PrismaClient,
  viewer: Viewer,
  signalement: Pick<Signalement, 'id' | 'administrationId' | 'parquetId'>,
  document: 'PROOF_OF_DEPOSIT' | 'AVIS_DE_DECISION',
  within?: (tx: Prisma.TransactionClient) => Promise<Record<string, string | boolean>>,
): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const details = (await within?.(tx)) ?? {};
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
      after: { document, ...details },
    });
  });
}

/** Pas d'avis sans décision en vigueur : avant la décision, ou après une réouverture (HTTP 409). */
export class NoDecisionInForceError extends AppError {
  constructor() {
    super('CONFLICT', 'Le signalement n’a pas de décision en vigueur : aucun avis de décision à télécharger.');
  }
}

/** Une décision d'un autre signalement, ou inconnue, répond comme un signalement introuvable. */
export class DecisionNotFoundError extends AppError {
  constructor() {
    super('NOT_FOUND', 'Décision introuvable.');
  }
}

export interface LoadedAvisDeDecision {
  signalement: Signalement;
  decisionId: string;
  avis: AvisDeDecision;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Les données de l'avis de décision, lues dans le périmètre du demandeur : hors périmètre ou
 * inconnu, NOT_FOUND. Sans `decisionId`, l'avis de la décision en vigueur (la plus récente, si le
 * signalement est décidé ou clôturé ; sinon NoDecisionInForceError). Avec, celui d'une décision
 * donnée de ce signalement, même remplacée depuis : un avis remis le reste.
 */
export async function loadAvisDeDecision(
  prisma: PrismaClient,
  viewer: Viewer,
  id: string,
  decisionId?: string,
): Promise<LoadedAvisDeDecision> {
  const signalement = await findVisibleSignalement(prisma, viewer, id);
  const select = {
    id: true,
    kind: true,
    decidedAt: true,
    reasons: true,
    dismissalReason: { select: { code: true, label: true } },
    author: { select: { firstName: true, lastName: true } },
  } satisfies Prisma.DecisionSelect;
  let decision;
  if (decisionId !== undefined) {
    decision = UUID.test(decisionId)
      ? await prisma.decision.findFirst({ where: { id: decisionId, signalementId: signalement.id }, select })
      : null;
    if (!decision) throw new DecisionNotFoundError();
  } else {
    if (signalement.status !== 'DECIDED' && signalement.status !== 'CLOSED') throw new NoDecisionInForceError();
    decision = await prisma.decision.findFirst({ where: { signalementId: signalement.id }, orderBy: { decidedAt: 'desc' }, select });
    if (!decision) throw new NoDecisionInForceError();
  }
  const [administration, parquet] = await Promise.all([
    prisma.organization.findUniqueOrThrow({ where: { id: signalement.administrationId }, select: { name: true } }),
    signalement.parquetId ? prisma.organization.findUnique({ where: { id: signalement.parquetId }, select: { name: true } }) : null,
  ]);
  return {
    signalement,
    decisionId: decision.id,
    avis: {
      reference: signalement.reference ?? '—',
      parquetName: parquet?.name ?? '—',
      administrationName: administration.name,
      title: signalement.title,
      kind: decision.kind,
      decidedAt: decision.decidedAt,
      magistrateName: `${decision.author.firstName} ${decision.author.lastName}`,
      dismissalReason: decision.dismissalReason,
      reasons: decision.reasons,
    },
  };
}

/**
 * Le téléchargement d'un avis, consigné ; par un membre de l'administration, c'est aussi sa
 * première lecture, notée une fois pour toutes (la condition `avisReadAt: null` rend la course
 * entre deux premiers téléchargements sans effet : un seul l'emporte). Le parquet qui télécharge
 * l'avis ne le « lit » pas au sens de l'article 40-2 : il en est l'auteur.
 */
export async function recordAvisDownload(prisma: PrismaClient, viewer: Viewer, loaded: LoadedAvisDeDecision): Promise<void> {
  await recordDocumentDownload(prisma, viewer, loaded.signalement, 'AVIS_DE_DECISION', async (tx): Promise<Record<string, string | boolean>> => {
    if (viewer.organizationKind !== 'ADMINISTRATION' || viewer.organizationId !== loaded.signalement.administrationId) {
      return { decisionId: loaded.decisionId };
    }
    const { count } = await tx.decision.updateMany({
      where: { id: loaded.decisionId, avisReadAt: null },
      data: { avisReadAt: new Date(), avisReadById: viewer.userId },
    });
    return { decisionId: loaded.decisionId, firstReading: count === 1 };
  });
}

import { randomBytes } from 'node:crypto';
import type { Message, Piece, Prisma, PrismaClient, Signalement } from '@infoparquet/db';
import { BadUserInputError, ForbiddenError, InvalidTransitionError, NotFoundError } from '../../errors.js';
import { appendAuditEvent } from '../audit/chain.js';
import type { Viewer } from '../auth/sessions.js';
import { STATUS_LABELS } from '../signalements/transitions.js';
import { findVisibleSignalement } from '../signalements/repository.js';
import { assertMayAddPieces, assertMayAttachTo, PIECE_ROLES, pieceVisibleWhere } from './permissions.js';
import type { ReceivedPiece } from './upload.js';

type Tx = Prisma.TransactionClient;
type Scope = Pick<Signalement, 'id' | 'administrationId' | 'parquetId' | 'status'>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

let lastMillis = 0;
let sequence = 0;

/**
 * Identifiant d'une pièce : un uuid version 7 (RFC 9562), ordonné par l'instant puis par un
 * compteur. Les pièces d'un même envoi partagent l'heure de leur transaction ; triées par
 * (createdAt, id), elles restent dans l'ordre du dépôt, celui que reprend l'accusé de réception.
 */
export function newPieceId(): string {
  const now = Date.now();
  if (now > lastMillis) {
    lastMillis = now;
    sequence = 0;
  } else if (++sequence > 0xfff) {
    lastMillis += 1;
    sequence = 0;
  }
  const bytes = randomBytes(16);
  bytes.writeUIntBE(lastMillis, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const PIECE_ORDER = [{ createdAt: 'asc' }, { id: 'asc' }] as const satisfies Prisma.PieceOrderByWithRelationInput[];

/** Le message visé par un envoi, s'il appartient à ce signalement ; sinon BAD_USER_INPUT sur le champ `message`. */
export async function findTargetMessage(prisma: PrismaClient | Tx, signalementId: string, messageId: string | undefined) {
  if (messageId === undefined || messageId === '') return null;
  const message = UUID.test(messageId)
    ? await prisma.message.findFirst({ where: { id: messageId, signalementId }, select: { id: true, kind: true, organizationId: true } })
    : null;
  if (!message) throw new BadUserInputError([{ field: 'message', message: 'Message introuvable sur ce signalement.' }]);
  return message;
}

function auditScope(signalement: Scope) {
  return {
    signalementId: signalement.id,
    administrationId: signalement.administrationId,
    // Un brouillon n'est pas encore adressé : le parquet ne voit rien de ce qui s'y passe.
    parquetId: signalement.status === 'DRAFT' ? null : signalement.parquetId,
  };
}

/**
 * Enregistre les pièces d'un envoi, déjà écrites et hachées, dans une transaction qui ajoute un
 * événement PIECE_ADDED par pièce. Le signalement est relu verrouillé (FOR SHARE) : une
 * transmission concurrente attend la fin de cette transaction, ou l'a précédée, et les pièces
 * sont alors des compléments. Les droits sont revérifiés sur ce statut (l'envoi a pu durer).
 */
export async function insertPieces(
  prisma: PrismaClient,
  viewer: Viewer,
  signalementId: string,
  messageId: string | undefined,
  received: readonly ReceivedPiece[],
): Promise<Piece[]> {
  return prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM signalement WHERE id = ${signalementId}::uuid FOR SHARE`;
    const signalement = await findVisibleSignalement(tx, viewer, signalementId);
    assertMayAddPieces(viewer, signalement);
    const message = await findTargetMessage(tx, signalement.id, messageId);
    assertMayAttachTo(viewer, message);
    const addedAfterTransmission = signalement.status !== 'DRAFT';
    const created: Piece[] = [];
    for (const piece of received) {
      const row = await tx.piece.create({
        data: {
          id: newPieceId(),
          signalementId: signalement.id,
          messageId: message?.id ?? null,
          filename: piece.filename,
          contentType: piece.contentType,
          size: BigInt(piece.size),
          sha256: piece.sha256,
          storageKey: piece.storageKey,
          uploadedById: viewer.userId,
          organizationId: viewer.organizationId,
          addedAfterTransmission,
        },
      });
      await appendAuditEvent(tx, {
        actorId: viewer.userId,
        organizationId: viewer.organizationId,
        action: 'PIECE_ADDED',
        targetType: 'Piece',
        targetId: row.id,
        ...auditScope(signalement),
        internal: message?.kind === 'INTERNAL_NOTE',
        after: {
          filename: row.filename,
          size: row.size.toString(),
          sha256: row.sha256,
          contentType: row.contentType,
          messageId: row.messageId,
          addedAfterTransmission,
        },
      });
      created.push(row);
    }
    return created;
  });
}

export type VisiblePiece = Piece & { message: Pick<Message, 'kind'> | null; signalement: Scope & Pick<Signalement, 'reference'> };

const PIECE_INCLUDE = {
  message: { select: { kind: true } },
  signalement: { select: { id: true, administrationId: true, parquetId: true, status: true, reference: true } },
} as const satisfies Prisma.PieceInclude;

/** Une pièce dans le périmètre du demandeur ; hors périmètre, note interne pour l'administration, ou inconnue : NOT_FOUND. */
export async function findVisiblePiece(prisma: PrismaClient | Tx, viewer: Viewer, pieceId: string): Promise<VisiblePiece> {
  const piece = UUID.test(pieceId)
    ? await prisma.piece.findFirst({ where: { AND: [{ id: pieceId }, pieceVisibleWhere(viewer)] }, include: PIECE_INCLUDE })
    : null;
  if (!piece) throw new NotFoundError('Pièce');
  return piece;
}

/** Les pièces d'un signalement visibles du demandeur, dans l'ordre du dépôt (le signalement est déjà chargé dans son périmètre). */
export function listVisiblePieces(prisma: PrismaClient, viewer: Viewer, signalementId: string) {
  return prisma.piece.findMany({
    where: { AND: [{ signalementId }, pieceVisibleWhere(viewer)] },
    orderBy: PIECE_ORDER,
    select: { id: true, filename: true, size: true, sha256: true, storageKey: true, createdAt: true },
  });
}

/**
 * Chaque téléchargement, d'une pièce ou de l'archive de toutes, est consigné comme une
 * consultation (interne : seul le journal le voit, pas les écrans de l'autre partie).
 */
export async function recordPieceDownload(
  prisma: PrismaClient,
  viewer: Viewer,
  signalement: Pick<Signalement, 'id' | 'administrationId' | 'parquetId'>,
  download: { piece: Pick<Piece, 'id' | 'filename' | 'sha256'> } | { archive: Pick<Piece, 'id'>[] },
): Promise<void> {
  await appendAuditEvent(prisma, {
    actorId: viewer.userId,
    organizationId: viewer.organizationId,
    ...('piece' in download
      ? { action: 'PIECE_DOWNLOADED', targetType: 'Piece', targetId: download.piece.id, after: { filename: download.piece.filename, sha256: download.piece.sha256 } }
      : { action: 'PIECES_DOWNLOADED', targetType: 'Signalement', targetId: signalement.id, after: { format: 'zip', pieceIds: download.archive.map((piece) => piece.id) } }),
    signalementId: signalement.id,
    administrationId: signalement.administrationId,
    parquetId: signalement.parquetId,
    internal: true,
  });
}

/**
 * Retire une pièce d'un brouillon (jamais d'un signalement transmis : ce qui a été déposé reste).
 * Le signalement est verrouillé le temps de la suppression, pour qu'une transmission ne la
 * croise pas. Rend la clé de stockage : le fichier est effacé après le commit, par l'appelant.
 */
export async function deleteDraftPiece(prisma: PrismaClient, viewer: Viewer, pieceId: string): Promise<{ storageKey: string; signalementId: string }> {
  return prisma.$transaction(async (tx) => {
    const piece = await findVisiblePiece(tx, viewer, pieceId);
    await tx.$queryRaw`SELECT id FROM signalement WHERE id = ${piece.signalementId}::uuid FOR UPDATE`;
    const signalement = await findVisibleSignalement(tx, viewer, piece.signalementId);
    if (viewer.organizationId !== signalement.administrationId || !(PIECE_ROLES.delete as readonly string[]).includes(viewer.role)) {
      throw new ForbiddenError('Votre rôle ne permet pas de retirer une pièce.');
    }
    if (signalement.status !== 'DRAFT') {
      throw new InvalidTransitionError(
        `Impossible de retirer une pièce au statut « ${STATUS_LABELS[signalement.status]} » : une pièce déposée reste ; seules celles d’un brouillon se retirent.`,
        signalement.status,
        'deletePiece',
      );
    }
    await tx.piece.delete({ where: { id: piece.id } });
    await appendAuditEvent(tx, {
      actorId: viewer.userId,
      organizationId: viewer.organizationId,
      action: 'PIECE_DELETED',
      targetType: 'Piece',
      targetId: piece.id,
      ...auditScope(signalement),
      before: { filename: piece.filename, size: piece.size.toString(), sha256: piece.sha256, storageKey: piece.storageKey },
    });
    return { storageKey: piece.storageKey, signalementId: signalement.id };
  });
}

/**
 * Les pièces déposées avec le signalement (jointes au brouillon, donc transmises avec lui), dans
 * l'ordre du dépôt : celles de l'accusé de réception. Les compléments ajoutés ensuite n'y sont pas.
 */
export async function depositedPieces(prisma: PrismaClient | Tx, signalementId: string) {
  const pieces = await prisma.piece.findMany({
    where: { signalementId, addedAfterTransmission: false },
    orderBy: PIECE_ORDER,
    select: { filename: true, size: true, sha256: true },
  });
  return pieces.map((piece) => ({ name: piece.filename, size: Number(piece.size), sha256: piece.sha256 }));
}

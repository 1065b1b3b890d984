import type { Message, Prisma, Role, Signalement, SignalementStatus } from '@infoparquet/db';
import { AppError, ForbiddenError } from '../../errors.js';
import type { Viewer } from '../auth/sessions.js';
import { isParquetStaff, PARQUET_ROLES, ROLES_FOR, visibleWhere } from '../signalements/permissions.js';

/**
 * Qui peut joindre, voir et supprimer une pièce (DOMAIN.md) :
 * - un brouillon reçoit les pièces de son administration (AGENT, MANAGER), qui peut les retirer ;
 * - après la transmission, l'administration ajoute des compléments datés, qui ne remplacent rien,
 *   seuls ou joints à sa réponse à une demande de renseignements ;
 * - le parquet (CLERK, PROSECUTOR, HEAD) joint des pièces à ses propres messages seulement
 *   (demande de renseignements, note interne) ;
 * - un lecteur ne dépose jamais ;
 * - un signalement retiré ou clôturé ne reçoit plus rien (HTTP 409) ; décidé, il en reçoit encore :
 *   des faits nouveaux peuvent justifier une réouverture (art. 40-3).
 * Une pièce jointe à une note interne n'est jamais visible de l'administration.
 */
export const PIECE_ROLES = {
  /** Brouillon, et compléments après transmission. */
  administration: ROLES_FOR.update,
  /** Pièces jointes aux messages du parquet. */
  parquet: PARQUET_ROLES,
  /** Retrait d'une pièce d'un brouillon. */
  delete: ROLES_FOR.delete,
} as const satisfies Record<string, readonly Role[]>;

export const CLOSED_TO_PIECES: readonly SignalementStatus[] = ['WITHDRAWN', 'CLOSED'];

/** Un signalement qui ne reçoit plus de pièce (HTTP 409). */
export class ClosedToPiecesError extends AppError {
  constructor(status: SignalementStatus) {
    super(
      'CONFLICT',
      status === 'WITHDRAWN'
        ? 'Le signalement a été retiré : on ne peut plus y joindre de pièce.'
        : 'Le signalement est clôturé : on ne peut plus y joindre de pièce.',
      { status },
    );
  }
}

const includesRole = (roles: readonly Role[], role: Role) => roles.includes(role);

/**
 * Avant de lire un octet : le demandeur peut-il joindre des pièces à ce signalement, qu'il voit
 * déjà (sinon NOT_FOUND plus tôt) ? Le message visé, s'il y en a un, est vérifié ensuite.
 */
export function assertMayAddPieces(viewer: Viewer, signalement: Pick<Signalement, 'status' | 'administrationId'>): void {
  const administration = viewer.organizationKind === 'ADMINISTRATION' && viewer.organizationId === signalement.administrationId;
  const allowed = administration ? includesRole(PIECE_ROLES.administration, viewer.role) : isParquetStaff(viewer);
  if (!allowed) throw new ForbiddenError('Votre rôle ne permet pas de joindre des pièces à ce signalement.');
  if (CLOSED_TO_PIECES.includes(signalement.status)) throw new ClosedToPiecesError(signalement.status);
}

/**
 * Le message auquel les pièces sont jointes (ou aucun) : l'administration joint ses pièces au
 * signalement ou à l'une de ses réponses ; le parquet, à l'une de ses demandes ou notes internes,
 * jamais au signalement lui-même.
 */
export function assertMayAttachTo(viewer: Viewer, message: Pick<Message, 'kind' | 'organizationId'> | null): void {
  if (isParquetStaff(viewer)) {
    if (!message) {
      throw new ForbiddenError(
        'Le parquet joint ses pièces à l’un de ses messages (demande de renseignements ou note interne) : précisez-le dans le champ « message ».',
      );
    }
    if (message.organizationId !== viewer.organizationId || (message.kind !== 'INFORMATION_REQUEST' && message.kind !== 'INTERNAL_NOTE')) {
      throw new ForbiddenError('Le parquet ne joint des pièces qu’à ses propres demandes de renseignements et notes internes.');
    }
    return;
  }
  if (message && (message.organizationId !== viewer.organizationId || message.kind !== 'INFORMATION_ANSWER')) {
    throw new ForbiddenError('L’administration ne joint des pièces qu’au signalement ou à ses propres réponses.');
  }
}

/** Vrai pour une pièce jointe à une note interne du parquet. */
export function isInternalPiece(piece: { message: Pick<Message, 'kind'> | null }): boolean {
  return piece.message?.kind === 'INTERNAL_NOTE';
}

/**
 * Le périmètre des pièces : celles des signalements visibles ; pour tout autre que le parquet,
 * sans celles des notes internes. Une pièce hors périmètre répond comme une pièce inexistante.
 */
export function pieceVisibleWhere(viewer: Viewer): Prisma.PieceWhereInput {
  return { signalement: visibleWhere(viewer), ...(isParquetStaff(viewer) ? {} : notInternal) };
}

/** Les pièces sans message ou jointes à un message qui n'est pas une note interne (écrit sans NOT, que NULL fausserait). */
export const notInternal: Prisma.PieceWhereInput = {
  OR: [{ messageId: null }, { message: { kind: { not: 'INTERNAL_NOTE' } } }],
};

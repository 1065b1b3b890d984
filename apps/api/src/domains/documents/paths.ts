import { encodeGlobalID } from '@pothos/plugin-relay';

/** Préfixe des documents servis hors GraphQL, sur le même port que l'API (et relayés tels quels par le web). */
export const DOCUMENTS_PREFIX = '/documents/';

export const PROOF_OF_DEPOSIT_PATH = /^\/documents\/signalements\/([^/]+)\/accuse-de-reception\.pdf$/;

/** Le chemin relatif de l'accusé de réception d'un signalement, le même côté API et côté web. */
export function proofOfDepositPath(signalementId: string): string {
  return `/documents/signalements/${encodeURIComponent(encodeGlobalID('Signalement', signalementId))}/accuse-de-reception.pdf`;
}

export const AVIS_DE_DECISION_PATH = /^\/documents\/signalements\/([^/]+)\/avis-de-decision\.pdf$/;

/**
 * Le chemin relatif de l'avis de décision : sans `decisionId`, celui de la décision en vigueur ;
 * avec, celui d'une décision donnée (une décision remplacée après réouverture garde son avis).
 */
export function avisDeDecisionPath(signalementId: string, decisionId?: string): string {
  const path = `/documents/signalements/${encodeURIComponent(encodeGlobalID('Signalement', signalementId))}/avis-de-decision.pdf`;
  return decisionId ? `${path}?decision=${encodeURIComponent(decisionId)}` : path;
}

/** L'envoi des pièces d'un signalement (POST multipart/form-data, un ou plusieurs champs `file`). */
export const PIECES_UPLOAD_PATH = /^\/documents\/signalements\/([^/]+)\/pieces$/;

export function piecesUploadPath(signalementId: string): string {
  return `/documents/signalements/${encodeURIComponent(encodeGlobalID('Signalement', signalementId))}/pieces`;
}

/** Toutes les pièces visibles d'un signalement, en une archive ZIP. */
export const PIECES_ARCHIVE_PATH = /^\/documents\/signalements\/([^/]+)\/pieces\.zip$/;

export function piecesArchivePath(signalementId: string): string {
  return `/documents/signalements/${encodeURIComponent(encodeGlobalID('Signalement', signalementId))}/pieces.zip`;
}

/** Une pièce, par son identifiant global. */
export const PIECE_PATH = /^\/documents\/pieces\/([^/]+)$/;

export function piecePath(pieceId: string): string {
  return `/documents/pieces/${encodeURIComponent(encodeGlobalID('Piece', pieceId))}`;
}

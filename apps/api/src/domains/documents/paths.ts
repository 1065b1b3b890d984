import { encodeGlobalID } from '@pothos/plugin-relay';

/** Préfixe des documents servis hors GraphQL, sur le même port que l'API (et relayés tels quels par le web). */
export const DOCUMENTS_PREFIX = '/documents/';

export const PROOF_OF_DEPOSIT_PATH = /^\/documents\/signalements\/([^/]+)\/accuse-de-reception\.pdf$/;

/** Le chemin relatif de l'accusé de réception d'un signalement, le même côté API et côté web. */
export function proofOfDepositPath(signalementId: string): string {
  return `/documents/signalements/${encodeURIComponent(encodeGlobalID('Signalement', signalementId))}/accuse-de-reception.pdf`;
}

import { decodeGlobalID } from '@pothos/plugin-relay';

/**
 * L'identifiant interne d'un identifiant global Relay du type attendu, ou `null` s'il est
 * illisible ou d'un autre type : l'appelant répond alors « introuvable », comme pour un inconnu.
 */
export function internalId(globalId: string, typename: string): string | null {
  try {
    const decoded = decodeGlobalID(globalId);
    return decoded.typename === typename ? decoded.id : null;
  } catch {
    return null;
  }
}

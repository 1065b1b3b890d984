import { decodeGlobalID } from '@pothos/plugin-relay';

/** Tous les objets identifiés globalement ont un uuid pour identifiant interne. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * L'identifiant interne d'un identifiant global Relay du type attendu, ou `null` s'il est
 * illisible, d'un autre type ou pas un uuid : l'appelant répond alors « introuvable », comme pour
 * un inconnu (et la base ne reçoit jamais une valeur qu'elle refuserait).
 */
export function internalId(globalId: string, typename: string): string | null {
  try {
    const decoded = decodeGlobalID(globalId);
    return decoded.typename === typename && UUID.test(decoded.id) ? decoded.id : null;
  } catch {
    return null;
  }
}

import type { Prisma, Role } from '@infoparquet/db';
import type { Viewer } from '../auth/sessions.js';

/**
 * Qui peut faire quoi sur un signalement (DOMAIN.md). Ce tableau sert trois fois : aux gardes
 * déclaratives des mutations, au champ `availableActions` que lit l'application web, et au test
 * qui vérifie chaque rôle face à chaque opération.
 */
export const ADMINISTRATION_ROLES = ['AGENT', 'MANAGER', 'READER'] as const satisfies readonly Role[];
export const PARQUET_ROLES = ['CLERK', 'PROSECUTOR', 'HEAD'] as const satisfies readonly Role[];
const ADMINISTRATION_WRITERS = ['AGENT', 'MANAGER'] as const satisfies readonly Role[];
const MAGISTRATES = ['PROSECUTOR', 'HEAD'] as const satisfies readonly Role[];

export const ROLES_FOR = {
  read: [...ADMINISTRATION_ROLES, ...PARQUET_ROLES],
  create: ADMINISTRATION_WRITERS,
  update: ADMINISTRATION_WRITERS,
  delete: ADMINISTRATION_WRITERS,
  transmit: ADMINISTRATION_WRITERS,
  withdraw: ['MANAGER'],
  answerInformationRequest: ADMINISTRATION_WRITERS,
  transfer: PARQUET_ROLES,
  register: PARQUET_ROLES,
  assign: PARQUET_ROLES,
  requestInformation: PARQUET_ROLES,
  close: PARQUET_ROLES,
  decide: MAGISTRATES,
  reopen: MAGISTRATES,
  setUrgency: MAGISTRATES,
} as const satisfies Record<string, readonly Role[]>;

export type SignalementAction = keyof typeof ROLES_FOR;

export function roleAllows(role: Role, action: SignalementAction): boolean {
  return (ROLES_FOR[action] as readonly Role[]).includes(role);
}

export function isParquetStaff(viewer: Viewer): boolean {
  return viewer.organizationKind === 'PARQUET' && (PARQUET_ROLES as readonly Role[]).includes(viewer.role);
}

/**
 * Le périmètre de lecture : une administration voit les siens, un parquet ceux qui lui sont
 * adressés (jamais les brouillons). Toute lecture par identifiant passe par ce filtre, si bien
 * que le signalement d'un autre répond exactement comme un identifiant qui n'existe pas.
 */
export function visibleWhere(viewer: Viewer): Prisma.SignalementWhereInput {
  if (viewer.organizationKind === 'ADMINISTRATION' && (ADMINISTRATION_ROLES as readonly Role[]).includes(viewer.role)) {
    return { administrationId: viewer.organizationId };
  }
  if (isParquetStaff(viewer)) {
    return { parquetId: viewer.organizationId, status: { not: 'DRAFT' } };
  }
  // Les opérateurs de la plateforme ne lisent aucun contenu.
  return { id: { in: [] } };
}

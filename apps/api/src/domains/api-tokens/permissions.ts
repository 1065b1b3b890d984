import type { ApiTokenScope, OrganizationKind, Role } from '@infoparquet/db';

/**
 * Les jetons d'API (DOMAIN.md : « partner tools ») : créés et révoqués par le responsable d'une
 * administration (MANAGER) ou le chef de parquet (HEAD), pour leur organisation.
 */
export const API_TOKEN_MANAGERS = ['MANAGER', 'HEAD'] as const satisfies readonly Role[];

/**
 * Un jeton agit avec les droits de son organisation, bornés par ses portées, et jamais avec ceux
 * d'un responsable (membres, jetons, retrait, décision) : son rôle effectif est celui d'un agent
 * (administration) ou d'un greffier (parquet). La portée se vérifie à part, à chaque opération
 * (authenticate.ts) : une requête demande READ, une mutation WRITE. Au parquet, où il n'existe pas
 * de rôle en lecture seule, un jeton READ a donc le rôle de greffier mais aucune mutation ne passe.
 */
export function apiTokenRole(kind: OrganizationKind, scopes: readonly ApiTokenScope[]): Role | null {
  if (kind === 'ADMINISTRATION') return scopes.includes('WRITE') ? 'AGENT' : 'READER';
  if (kind === 'PARQUET') return 'CLERK';
  return null;
}

/** Le nom français d'une portée, pour les messages. */
export const SCOPE_LABELS: Record<ApiTokenScope, string> = {
  READ: 'lecture (READ)',
  WRITE: 'écriture (WRITE)',
};

/**
 * Les opérations attachées à une personne plutôt qu'à une organisation : un jeton ne ferme pas
 * une session et ne choisit pas les courriels de la personne qui l'a créé.
 */
export const PERSONAL_OPERATIONS: ReadonlySet<string> = new Set(['login', 'logout', 'setNotificationPreference']);

import 'server-only';
import { cache } from 'react';
import { redirect } from 'next/navigation';
import { graphql, type ResultOf } from '@/graphql/graphql';
import { callApi, sessionToken } from '@/graphql/server';

const MeQuery = graphql(`
  query Me {
    me {
      id
      displayName
      email
      role
      organization { id kind code name }
    }
  }
`);

export type Viewer = NonNullable<ResultOf<typeof MeQuery>['me']>;

/** L'utilisateur connecté (une lecture par requête), ou `null`. */
export const getViewer = cache(async (): Promise<Viewer | null> => {
  if (!(await sessionToken())) return null;
  const result = await callApi(MeQuery);
  return result.errors ? null : result.data.me;
});

/** Pour une page réservée : l'utilisateur connecté, sinon la page de connexion. */
export async function requireViewer(): Promise<Viewer> {
  const viewer = await getViewer();
  if (!viewer) redirect('/connexion');
  return viewer;
}

export const isParquet = (viewer: Viewer) => viewer.organization.kind === 'PARQUET';
export const isAdministration = (viewer: Viewer) => viewer.organization.kind === 'ADMINISTRATION';
export const canManageMembers = (viewer: Viewer) => viewer.role === 'MANAGER' || viewer.role === 'HEAD';
export const canCreateSignalement = (viewer: Viewer) => viewer.role === 'AGENT' || viewer.role === 'MANAGER';

export const ROLE_LABELS: Record<Viewer['role'], string> = {
  AGENT: 'Agent',
  MANAGER: 'Responsable',
  READER: 'Lecteur',
  CLERK: 'Greffier',
  PROSECUTOR: 'Magistrat',
  HEAD: 'Chef de parquet',
  PLATFORM_ADMIN: 'Opérateur de la plateforme',
};

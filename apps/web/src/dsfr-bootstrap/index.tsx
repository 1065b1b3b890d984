'use client';
import { DsfrProviderBase, StartDsfrOnHydration } from '@codegouvfr/react-dsfr/next-app-router';
import Link from 'next/link';
import { defaultColorScheme } from './default-color-scheme';

declare module '@codegouvfr/react-dsfr/next-app-router' {
  interface RegisterLink {
    Link: typeof Link;
  }
}

/** Le fournisseur DSFR : liens Next.js, schéma de couleurs, langue française. */
export function DsfrProvider({ children }: { children: React.ReactNode }) {
  return (
    <DsfrProviderBase lang="fr" defaultColorScheme={defaultColorScheme} Link={Link}>
      {children}
    </DsfrProviderBase>
  );
}

export { StartDsfrOnHydration };

import type { Metadata } from 'next';
import { Footer } from '@codegouvfr/react-dsfr/Footer';
import { Header } from '@codegouvfr/react-dsfr/Header';
import { SkipLinks } from '@codegouvfr/react-dsfr/SkipLinks';
import { fr } from '@codegouvfr/react-dsfr';
import { DsfrProvider, StartDsfrOnHydration } from '@/dsfr-bootstrap';
import { DsfrHead, getHtmlAttributes } from '@/dsfr-bootstrap/server-only-index';
import { Navigation, type NavigationLink } from '@/components/Navigation';
import { UrqlProvider } from '@/graphql/UrqlProvider';
import { realtimeEndpoint } from '@/graphql/server';
import { canCreateSignalement, canManageMembers, getViewer, isParquet, ROLE_LABELS, type Viewer } from '@/lib/viewer';
import { logout } from './connexion/actions';

export const metadata: Metadata = {
  title: { default: 'infoParquet', template: '%s — infoParquet' },
  description: 'Transmission et suivi des signalements de l’article 40 du code de procédure pénale entre administrations et parquets.',
};

function navigationFor(viewer: Viewer): NavigationLink[] {
  const links: NavigationLink[] = [];
  if (isParquet(viewer)) {
    links.push({ text: 'File d’urgence', href: '/urgences' }, { text: 'Signalements reçus', href: '/signalements' });
  } else if (viewer.role !== 'PLATFORM_ADMIN') {
    links.push({ text: 'Mes signalements', href: '/signalements' });
    if (canCreateSignalement(viewer)) links.push({ text: 'Nouveau signalement', href: '/signalements/nouveau' });
  }
  if (canManageMembers(viewer)) links.push({ text: 'Organisation', href: '/organisation' });
  if (viewer.role === 'PLATFORM_ADMIN') links.push({ text: 'Plateforme', href: '/plateforme' });
  return links;
}

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const viewer = await getViewer();
  return (
    <html {...getHtmlAttributes({ lang: 'fr' })}>
      <head>
        <StartDsfrOnHydration />
        <DsfrHead preloadFonts={['Marianne-Regular', 'Marianne-Medium', 'Marianne-Bold']} />
      </head>
      <body style={{ minHeight: '100vh', display: 'flex', flexDirection: 'column' }}>
        <DsfrProvider>
          <SkipLinks
            links={[
              { anchor: '#contenu', label: 'Contenu' },
              { anchor: '#pied-de-page', label: 'Pied de page' },
            ]}
          />
          <Header
            brandTop={
              <>
                République
                <br />
                Française
              </>
            }
            serviceTitle="infoParquet"
            serviceTagline="Signalements de l’article 40 entre administrations et parquets"
            homeLinkProps={{ href: '/', title: 'Accueil — infoParquet' }}
            quickAccessItems={
              viewer
                ? [
                    {
                      iconId: 'fr-icon-account-circle-line',
                      text: `${viewer.displayName} · ${ROLE_LABELS[viewer.role]}, ${viewer.organization.name}`,
                      linkProps: { href: '/' },
                    },
                    {
                      iconId: 'fr-icon-logout-box-r-line',
                      text: 'Se déconnecter',
                      buttonProps: { type: 'submit', form: 'deconnexion' },
                    },
                  ]
                : [{ iconId: 'fr-icon-lock-line', text: 'Se connecter', linkProps: { href: '/connexion' } }]
            }
            navigation={viewer ? <Navigation links={navigationFor(viewer)} /> : undefined}
          />
          {viewer ? <form id="deconnexion" action={logout} hidden /> : null}
          <main id="contenu" tabIndex={-1} className={fr.cx('fr-container', 'fr-py-6w')} style={{ flex: 1 }}>
            <UrqlProvider realtime={realtimeEndpoint()}>{children}</UrqlProvider>
          </main>
          <Footer
            id="pied-de-page"
            accessibility="partially compliant"
            contentDescription="infoParquet permet aux administrations de saisir le procureur de la République (article 40 du code de procédure pénale) et de suivre les suites données, et aux parquets de recevoir, enregistrer et traiter ces signalements."
            bottomItems={[]}
          />
        </DsfrProvider>
      </body>
    </html>
  );
}

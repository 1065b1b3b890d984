import type { Metadata } from 'next';
import { fr } from '@codegouvfr/react-dsfr';
import { graphql } from '@/graphql/graphql';
import { queryApi } from '@/graphql/server';
import { requireViewer } from '@/lib/viewer';
import { PreferencesForm } from './PreferencesForm';

export const metadata: Metadata = { title: 'Mes notifications' };

const PreferencesQuery = graphql(`
  query NotificationPreferences { me { id notificationPreferences { event label frequency changeable explanation } } }
`);

/** « Mes notifications » : pour chaque événement qui concerne l'organisation, quand recevoir son courriel. */
export default async function PreferencesPage() {
  await requireViewer();
  const { me } = await queryApi(PreferencesQuery);
  const preferences = me.notificationPreferences ?? [];
  return (
    <div className={fr.cx('fr-grid-row')}>
      <div className={fr.cx('fr-col-12', 'fr-col-md-10', 'fr-col-lg-8')}>
        <h1>Mes notifications</h1>
        <p>
          Choisissez quand recevoir un courriel pour chaque événement. Un courriel ne contient que la référence et le titre du
          signalement, avec un lien vers sa page : le reste se consulte après connexion.
        </p>
        {preferences.length === 0 ? <p>Aucun courriel ne vous est adressé dans votre rôle.</p> : <PreferencesForm preferences={preferences} />}
      </div>
    </div>
  );
}

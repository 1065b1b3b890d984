import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { fr } from '@codegouvfr/react-dsfr';
import { getViewer } from '@/lib/viewer';
import { LoginForm } from './LoginForm';

export const metadata: Metadata = { title: 'Connexion' };

export default async function ConnexionPage() {
  if (await getViewer()) redirect('/');
  return (
    <div className={fr.cx('fr-grid-row', 'fr-grid-row--center')}>
      <div className={fr.cx('fr-col-12', 'fr-col-md-8', 'fr-col-lg-6')}>
        <h1>Connexion à infoParquet</h1>
        <p>Agents des administrations et personnels des parquets : connectez-vous avec votre compte professionnel.</p>
        <LoginForm />
      </div>
    </div>
  );
}

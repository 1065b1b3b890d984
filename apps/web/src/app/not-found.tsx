import type { Metadata } from 'next';
import { fr } from '@codegouvfr/react-dsfr';
import { Button } from '@codegouvfr/react-dsfr/Button';

export const metadata: Metadata = { title: 'Page introuvable' };

/** Page introuvable : aussi ce que voit qui demande un signalement hors de son périmètre. */
export default function NotFound() {
  return (
    <div className={fr.cx('fr-grid-row', 'fr-grid-row--center')}>
      <div className={fr.cx('fr-col-12', 'fr-col-md-8')}>
        <h1>Page introuvable</h1>
        <p className={fr.cx('fr-text--lead')}>La page ou le signalement demandé n’existe pas, ou vous n’y avez pas accès.</p>
        <p>Vérifiez l’adresse, ou revenez à l’accueil pour retrouver vos signalements.</p>
        <Button linkProps={{ href: '/' }}>Revenir à l’accueil</Button>
      </div>
    </div>
  );
}

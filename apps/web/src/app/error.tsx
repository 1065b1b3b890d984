'use client';
import { fr } from '@codegouvfr/react-dsfr';
import { Button } from '@codegouvfr/react-dsfr/Button';

/** Erreur inattendue : un message clair, et de quoi réessayer sans perdre sa place. */
export default function ErrorPage({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className={fr.cx('fr-grid-row', 'fr-grid-row--center')}>
      <div className={fr.cx('fr-col-12', 'fr-col-md-8')}>
        <h1>Une erreur est survenue</h1>
        <p className={fr.cx('fr-text--lead')}>La page n’a pas pu s’afficher. Rien de ce que vous aviez enregistré n’est perdu.</p>
        <p>Réessayez dans un instant ; si le problème persiste, signalez-le à l’équipe infoParquet.</p>
        <Button onClick={() => reset()}>Réessayer</Button>
      </div>
    </div>
  );
}

'use client';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { useLinkState } from '@/graphql/UrqlProvider';

const LABELS = {
  connecting: { text: 'Connexion en direct…', severity: 'info' },
  connected: { text: 'En direct', severity: 'success' },
  lost: { text: 'Connexion perdue — reconnexion en cours', severity: 'error' },
  restored: { text: 'Connexion rétablie — en direct', severity: 'success' },
} as const;

/** Indique si le lien temps réel fonctionne ; annoncé aux lecteurs d'écran quand il change. */
export function ConnectionStatus() {
  const state = useLinkState();
  const { text, severity } = LABELS[state];
  return (
    <p role="status" aria-live="polite" data-testid="connexion" data-state={state} style={{ margin: 0 }}>
      <Badge as="span" severity={severity} small>
        {text}
      </Badge>
    </p>
  );
}

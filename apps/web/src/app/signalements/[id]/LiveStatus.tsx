'use client';
import { useEffect, useRef, useState } from 'react';
import { useRouter } from 'next/navigation';
import { useSubscription } from 'urql';
import { Notice } from '@codegouvfr/react-dsfr/Notice';
import { ConnectionStatus } from '@/components/ConnectionStatus';
import { graphql } from '@/graphql/graphql';
import { STATUS_LABELS, type Status } from '@/lib/labels';

const SignalementEventsSubscription = graphql(`
  subscription SignalementLive($id: ID!, $after: String) {
    signalementEvents(signalementId: $id, after: $after) {
      cursor
      kind
      toStatus
      at
    }
  }
`);

/**
 * Le statut en direct : chaque changement arrive sans recharger la page (avis DSFR annoncé aux
 * lecteurs d'écran), et la page relit ses données. Après une coupure, l'abonnement reprend à
 * son dernier curseur.
 */
export function LiveStatus({ signalementId, status }: { signalementId: string; status: Status }) {
  const router = useRouter();
  const [message, setMessage] = useState<string | null>(null);
  const seen = useRef(status);
  const [result] = useSubscription({ query: SignalementEventsSubscription, variables: { id: signalementId } });
  const event = result.data?.signalementEvents;

  useEffect(() => {
    if (!event) return;
    if (event.toStatus && event.toStatus !== seen.current) {
      seen.current = event.toStatus;
      setMessage(`Nouveau statut : ${STATUS_LABELS[event.toStatus]}.`);
    } else {
      setMessage('Le signalement vient d’être mis à jour.');
    }
    router.refresh();
  }, [event, router]);

  return (
    <div>
      <ConnectionStatus />
      <div aria-live="polite" data-testid="avis-direct">
        {message ? <Notice title={message} isClosable onClose={() => setMessage(null)} /> : null}
      </div>
    </div>
  );
}

'use client';
import { useActionState, useState } from 'react';
import { fr } from '@codegouvfr/react-dsfr';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Checkbox } from '@codegouvfr/react-dsfr/Checkbox';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { createApiToken, deleteWebhook, enableWebhook, registerWebhook, revokeApiToken, type AccessState } from './actions';

/** Le secret créé, montré une seule fois, avec de quoi le copier. */
function ShownOnce({ state, what }: { state: AccessState; what: string }) {
  const [copied, setCopied] = useState(false);
  if (!state.ok || !state.secret) return null;
  return (
    <Alert
      severity="success"
      title={state.message ?? ''}
      className={fr.cx('fr-mb-2w')}
      description={
        <>
          <span>Copiez {what} maintenant et rangez-le dans le coffre de secrets de votre logiciel : il ne sera plus jamais affiché.</span>
          <code style={{ display: 'block', wordBreak: 'break-all', margin: '0.5rem 0' }}>{state.secret}</code>
          <Button
            type="button"
            size="small"
            priority="secondary"
            iconId="fr-icon-clipboard-line"
            onClick={() => void navigator.clipboard.writeText(state.secret!).then(() => setCopied(true))}
          >
            {copied ? 'Copié' : 'Copier'}
          </Button>
        </>
      }
    />
  );
}

function Feedback({ state }: { state: AccessState }) {
  if (state.error) return <Alert severity="error" small description={state.error} className={fr.cx('fr-mb-2w')} />;
  return null;
}

const err = (state: AccessState, field: string) => (state.fields?.[field] ? { state: 'error' as const, stateRelatedMessage: state.fields[field] } : {});

export function CreateApiTokenForm({ defaultExpiry, maxExpiry }: { defaultExpiry: string; maxExpiry: string }) {
  const [state, action, pending] = useActionState<AccessState, FormData>(createApiToken, {});
  return (
    <form action={action} noValidate className={fr.cx('fr-mb-4w')}>
      <div aria-live="polite">
        <Feedback state={state} />
        <ShownOnce state={state} what="le jeton" />
      </div>
      <div className={fr.cx('fr-grid-row', 'fr-grid-row--gutters')}>
        <div className={fr.cx('fr-col-12', 'fr-col-md-6')}>
          <Input label="Nom" hintText="À quoi sert ce jeton (ex. « Logiciel de suivi des contrôles »)" nativeInputProps={{ name: 'name', required: true, maxLength: 100, autoComplete: 'off' }} {...err(state, 'name')} />
        </div>
        <div className={fr.cx('fr-col-12', 'fr-col-md-6')}>
          <Input
            label="Échéance"
            hintText="Obligatoire, un an au plus : le jeton cesse de fonctionner à la fin de ce jour."
            nativeInputProps={{ name: 'expiresAt', type: 'date', required: true, defaultValue: defaultExpiry, max: maxExpiry }}
            {...err(state, 'expiresAt')}
          />
        </div>
        <div className={fr.cx('fr-col-12', 'fr-col-md-6')}>
          <Checkbox
            legend="Portées"
            {...err(state, 'scopes')}
            options={[
              { label: 'Lecture (READ)', hintText: 'Signalements, flux d’événements, abonnements, documents.', nativeInputProps: { name: 'scopes', value: 'READ', defaultChecked: true } },
              { label: 'Écriture (WRITE)', hintText: 'Créer, transmettre, répondre (administration) ; enregistrer, orienter (parquet).', nativeInputProps: { name: 'scopes', value: 'WRITE' } },
            ]}
          />
        </div>
        <div className={fr.cx('fr-col-12', 'fr-col-md-6')}>
          <Input
            label="Réseaux autorisés (facultatif)"
            hintText="Un réseau CIDR par ligne (ex. 203.0.113.0/24, 2001:db8::/32) ; vide : de partout."
            textArea
            nativeTextAreaProps={{ name: 'allowedNetworks', rows: 3 }}
            {...err(state, 'allowedNetworks')}
          />
        </div>
      </div>
      <Button type="submit" iconId="fr-icon-lock-line" disabled={pending}>
        {pending ? 'Création…' : 'Créer le jeton'}
      </Button>
    </form>
  );
}

export function RevokeApiTokenButton({ id, name }: { id: string; name: string }) {
  const [state, action, pending] = useActionState<AccessState, FormData>(revokeApiToken, {});
  return (
    <form action={action} onSubmit={(event) => { if (!window.confirm(`Révoquer le jeton « ${name} » ? Les logiciels qui l’utilisent seront refusés immédiatement.`)) event.preventDefault(); }}>
      <input type="hidden" name="id" value={id} />
      <Button type="submit" size="small" priority="tertiary" disabled={pending}>
        Révoquer
      </Button>
      {state.error ? <p className={fr.cx('fr-text--sm', 'fr-mb-0', 'fr-error-text')}>{state.error}</p> : null}
    </form>
  );
}

export interface EventOption {
  value: string;
  label: string;
}

export function RegisterWebhookForm({ events }: { events: EventOption[] }) {
  const [state, action, pending] = useActionState<AccessState, FormData>(registerWebhook, {});
  const defaults = new Set(['TRANSMITTED', 'REGISTERED', 'INFORMATION_REQUESTED', 'DECIDED', 'CLOSED']);
  return (
    <form action={action} noValidate className={fr.cx('fr-mb-4w')}>
      <div aria-live="polite">
        <Feedback state={state} />
        <ShownOnce state={state} what="le secret de signature" />
      </div>
      <Input label="Adresse (https)" hintText="Une adresse publique ; les adresses internes sont refusées." nativeInputProps={{ name: 'url', type: 'url', required: true, placeholder: 'https://' }} {...err(state, 'url')} />
      <Input label="Description (facultative)" nativeInputProps={{ name: 'description', maxLength: 200 }} {...err(state, 'description')} />
      <Checkbox
        legend="Événements envoyés"
        orientation="horizontal"
        {...err(state, 'events')}
        options={events.map((event) => ({ label: event.label, nativeInputProps: { name: 'events', value: event.value, defaultChecked: defaults.has(event.value) } }))}
      />
      <Button type="submit" iconId="fr-icon-links-line" disabled={pending}>
        {pending ? 'Enregistrement…' : 'Enregistrer l’adresse'}
      </Button>
    </form>
  );
}

export function WebhookActions({ id, url, active }: { id: string; url: string; active: boolean }) {
  const [enableState, enableAction, enabling] = useActionState<AccessState, FormData>(enableWebhook, {});
  const [deleteState, deleteAction, deleting] = useActionState<AccessState, FormData>(deleteWebhook, {});
  const feedback = enableState.error ?? deleteState.error ?? enableState.message;
  return (
    <>
      {active ? null : (
        <form action={enableAction} style={{ display: 'inline' }}>
          <input type="hidden" name="id" value={id} />
          <Button type="submit" size="small" priority="secondary" disabled={enabling} className={fr.cx('fr-mr-1w')}>
            Réactiver
          </Button>
        </form>
      )}
      <form action={deleteAction} style={{ display: 'inline' }} onSubmit={(event) => { if (!window.confirm(`Supprimer l’adresse ${url} ?`)) event.preventDefault(); }}>
        <input type="hidden" name="id" value={id} />
        <Button type="submit" size="small" priority="tertiary" disabled={deleting}>
          Supprimer
        </Button>
      </form>
      {feedback ? (
        <p className={fr.cx('fr-text--sm', 'fr-mb-0')} role="status">
          {feedback}
        </p>
      ) : null}
    </>
  );
}

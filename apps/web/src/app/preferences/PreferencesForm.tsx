'use client';
import { useActionState } from 'react';
import { fr } from '@codegouvfr/react-dsfr';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { RadioButtons } from '@codegouvfr/react-dsfr/RadioButtons';
import { savePreferences, type PreferencesState } from './actions';

export interface Preference {
  event: string;
  label: string;
  frequency: string;
  changeable: boolean;
  explanation: string | null;
}

const FREQUENCIES = [
  { value: 'IMMEDIATE', label: 'Immédiatement', hint: 'Un courriel à chaque fois.' },
  { value: 'DAILY_DIGEST', label: 'Récapitulatif quotidien', hint: 'Un seul courriel par jour, le matin, qui liste les événements.' },
  { value: 'NEVER', label: 'Jamais', hint: 'Aucun courriel ; l’événement reste visible dans l’application.' },
] as const;

/** Un groupe de boutons radio par événement, enregistrés ensemble. */
export function PreferencesForm({ preferences }: { preferences: Preference[] }) {
  const [state, action, pending] = useActionState<PreferencesState, FormData>(savePreferences, {});
  return (
    <form action={action}>
      <div aria-live="polite">
        {state.error ? <Alert severity="error" small description={state.error} className={fr.cx('fr-mb-3w')} /> : null}
        {state.ok ? <Alert severity="success" small description={state.message ?? 'Enregistré.'} className={fr.cx('fr-mb-3w')} /> : null}
      </div>
      {preferences.map((preference) => (
        <RadioButtons
          key={preference.event}
          legend={preference.label}
          name={`event:${preference.event}`}
          disabled={!preference.changeable}
          hintText={preference.explanation ?? undefined}
          options={FREQUENCIES.filter((frequency) => preference.changeable || frequency.value === preference.frequency).map((frequency) => ({
            label: frequency.label,
            hintText: frequency.hint,
            nativeInputProps: { value: frequency.value, defaultChecked: preference.frequency === frequency.value },
          }))}
        />
      ))}
      <Button type="submit" iconId="fr-icon-save-line" disabled={pending}>
        {pending ? 'Enregistrement…' : 'Enregistrer mes choix'}
      </Button>
    </form>
  );
}

'use client';
import { useState, useTransition } from 'react';
import { fr } from '@codegouvfr/react-dsfr';
import { ToggleSwitch } from '@codegouvfr/react-dsfr/ToggleSwitch';
import { changeOnDuty } from './on-duty-actions';

/** L'interrupteur « De permanence » d'un magistrat : enregistré dès qu'on le bascule. */
export function OnDutyToggle({ member }: { member: { id: string; displayName: string; onDuty: boolean } }) {
  const [onDuty, setOnDuty] = useState(member.onDuty);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <div>
      <ToggleSwitch
        label={`De permanence : ${member.displayName}`}
        inputTitle={`${member.displayName} de permanence`}
        checked={onDuty}
        disabled={pending}
        showCheckedHint={false}
        onChange={(checked) => {
          setOnDuty(checked);
          startTransition(async () => {
            const result = await changeOnDuty(member.id, checked);
            if (result.ok) {
              setOnDuty(result.onDuty);
              setMessage({ error: false, text: result.onDuty ? `${member.displayName} est de permanence.` : `${member.displayName} n’est plus de permanence.` });
            } else {
              setOnDuty(!checked);
              setMessage({ error: true, text: result.error });
            }
          });
        }}
      />
      <p className={fr.cx('fr-text--sm', 'fr-mb-2w', message?.error ? 'fr-error-text' : 'fr-valid-text')} role="status">
        {message?.text ?? ''}
      </p>
    </div>
  );
}

'use client';
import { useActionState, useEffect, useRef, useState } from 'react';
import { useRouter } from 'next/navigation';
import { fr } from '@codegouvfr/react-dsfr';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { ButtonsGroup, type ButtonsGroupProps } from '@codegouvfr/react-dsfr/ButtonsGroup';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { createModal } from '@codegouvfr/react-dsfr/Modal';
import { RadioButtons } from '@codegouvfr/react-dsfr/RadioButtons';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { DECISION_LABELS, URGENCY_REASON_LABELS } from '@/lib/labels';
import { performAction, type ActionState } from './actions';

type Action =
  | 'transmit'
  | 'delete'
  | 'withdraw'
  | 'transfer'
  | 'register'
  | 'assign'
  | 'requestInformation'
  | 'answerInformationRequest'
  | 'decide'
  | 'reopen'
  | 'close'
  | 'setUrgency';

const TITLES: Record<Action, { button: string; title: string; confirm: string; primary?: boolean }> = {
  transmit: { button: 'Transmettre au parquet', title: 'Transmettre le signalement', confirm: 'Transmettre', primary: true },
  delete: { button: 'Supprimer le brouillon', title: 'Supprimer le brouillon', confirm: 'Supprimer' },
  withdraw: { button: 'Retirer le signalement', title: 'Retirer le signalement', confirm: 'Retirer' },
  register: { button: 'Enregistrer', title: 'Enregistrer le signalement', confirm: 'Enregistrer', primary: true },
  assign: { button: 'Attribuer ou orienter', title: 'Attribuer ou orienter', confirm: 'Attribuer' },
  requestInformation: { button: 'Demander des renseignements', title: 'Demander des renseignements à l’administration', confirm: 'Envoyer la demande' },
  answerInformationRequest: { button: 'Répondre à la demande de renseignements', title: 'Répondre au parquet', confirm: 'Envoyer la réponse', primary: true },
  decide: { button: 'Décider', title: 'Décision du procureur', confirm: 'Enregistrer la décision', primary: true },
  reopen: { button: 'Rouvrir', title: 'Rouvrir le signalement', confirm: 'Rouvrir' },
  close: { button: 'Clôturer', title: 'Clôturer le signalement', confirm: 'Clôturer' },
  transfer: { button: 'Transférer', title: 'Transférer au parquet compétent', confirm: 'Transférer' },
  setUrgency: { button: 'Confirmer ou lever l’urgence', title: 'Urgence du signalement', confirm: 'Enregistrer' },
};

const ORDER: Action[] = ['transmit', 'answerInformationRequest', 'register', 'decide', 'assign', 'requestInformation', 'setUrgency', 'transfer', 'close', 'reopen', 'withdraw', 'delete'];

const modals = Object.fromEntries(ORDER.map((action) => [action, createModal({ id: `modale-${action}`, isOpenedByDefault: false })])) as Record<
  Action,
  ReturnType<typeof createModal>
>;

export interface ActionContext {
  signalementId: string;
  currentParquetCode: string | null;
  urgent: boolean;
  parquets: { code: string; name: string }[];
  members: { id: string; displayName: string; role: string }[];
  dismissalReasons: { code: string; label: string }[];
}

/** Les opérations permises au demandeur, chacune dans une fenêtre qui demande confirmation. */
export function SignalementActions({ available, context }: { available: string[]; context: ActionContext }) {
  // L'API nomme les opérations en capitales (REGISTER, ANSWER_INFORMATION_REQUEST…).
  const actions = ORDER.filter((action) => available.includes(action.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase()));
  const [notice, setNotice] = useState<string | null>(null);
  if (actions.length === 0) return null;
  return (
    <section aria-labelledby="titre-actions" className={fr.cx('fr-mb-4w')}>
      <h2 id="titre-actions" className={fr.cx('fr-h4')}>
        Actions
      </h2>
      {notice ? (
        <Alert severity="success" small description={notice} closable onClose={() => setNotice(null)} className={fr.cx('fr-mb-2w')} />
      ) : null}
      <ButtonsGroup
        inlineLayoutWhen="md and up"
        buttons={
          actions.map((action) => ({
            children: TITLES[action].button,
            priority: TITLES[action].primary ? 'primary' : 'secondary',
            nativeButtonProps: { ...modals[action].buttonProps, 'data-action': action } as never,
          })) as unknown as ButtonsGroupProps['buttons']
        }
      />
      {actions.map((action) => (
        <ActionModal key={action} action={action} context={context} onDone={setNotice} />
      ))}
    </section>
  );
}

function ActionModal({ action, context, onDone }: { action: Action; context: ActionContext; onDone: (message: string) => void }) {
  const modal = modals[action];
  const router = useRouter();
  const [state, formAction, pending] = useActionState<ActionState, FormData>(performAction, {});
  const formRef = useRef<HTMLFormElement>(null);
  const handled = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (!state.at || handled.current === state.at) return;
    handled.current = state.at;
    if (state.ok) {
      modal.close();
      formRef.current?.reset();
      onDone(state.message ?? 'Opération effectuée.');
      router.refresh();
    } else if (state.error?.startsWith('Le signalement a été modifié')) {
      router.refresh();
    }
  }, [state, modal, onDone, router]);
  const error = (name: string) => state.fields?.[name];
  const status = (name: string) => (error(name) ? { state: 'error' as const, stateRelatedMessage: error(name) } : {});

  return (
    <modal.Component title={TITLES[action].title} size="medium">
      <form action={formAction} ref={formRef} noValidate>
        <input type="hidden" name="id" value={context.signalementId} />
        <input type="hidden" name="action" value={action} />
        {state.error ? <Alert severity="error" small description={state.error} className={fr.cx('fr-mb-2w')} /> : null}
        <ActionFields action={action} context={context} status={status} />
        <ButtonsGroup
          inlineLayoutWhen="sm and up"
          alignment="right"
          buttons={[
            { children: 'Annuler', priority: 'secondary', type: 'button', onClick: () => modal.close() },
            { children: pending ? 'Envoi…' : TITLES[action].confirm, type: 'submit', disabled: pending },
          ]}
        />
      </form>
    </modal.Component>
  );
}

type FieldStatus = (name: string) => { state?: 'error'; stateRelatedMessage?: string };

function ActionFields({ action, context, status }: { action: Action; context: ActionContext; status: FieldStatus }) {
  const [kind, setKind] = useState('PROSECUTION');
  const [urgent, setUrgent] = useState(context.urgent ? 'true' : 'false');
  switch (action) {
    case 'transmit':
      return <p>La transmission fige le contenu du signalement et lui attribue sa référence de procédure. Elle ne peut pas être annulée.</p>;
    case 'delete':
      return <p>Le brouillon sera supprimé définitivement.</p>;
    case 'close':
      return <p>Le signalement décidé sera clôturé.</p>;
    case 'register':
      return (
        <Input
          label="Numéro parquet (facultatif)"
          hintText="Numéro attribué par le logiciel du parquet"
          nativeInputProps={{ name: 'parquetNumber', autoComplete: 'off' }}
          {...status('parquetNumber')}
        />
      );
    case 'withdraw':
    case 'reopen':
      return (
        <Input
          textArea
          label={action === 'withdraw' ? 'Motif du retrait' : 'Raison de la réouverture'}
          nativeTextAreaProps={{ name: 'reason', required: true, rows: 4 }}
          {...status('reason')}
        />
      );
    case 'requestInformation':
    case 'answerInformationRequest':
      return (
        <Input
          textArea
          label={action === 'requestInformation' ? 'Renseignements demandés' : 'Votre réponse'}
          hintText={action === 'requestInformation' ? 'Ce message est envoyé à l’administration.' : undefined}
          nativeTextAreaProps={{ name: 'message', required: true, rows: 6 }}
          {...status('message')}
        />
      );
    case 'transfer':
      return (
        <>
          <Select label="Parquet compétent" nativeSelectProps={{ name: 'parquetCode', required: true, defaultValue: '' }} {...status('parquetCode')}>
            <option value="" disabled>
              Choisir un parquet
            </option>
            {context.parquets
              .filter((parquet) => parquet.code !== context.currentParquetCode)
              .map((parquet) => (
                <option key={parquet.code} value={parquet.code}>
                  {parquet.name}
                </option>
              ))}
          </Select>
          <Input textArea label="Raison du transfert (visible de l’administration)" nativeTextAreaProps={{ name: 'reason', required: true, rows: 3 }} {...status('reason')} />
        </>
      );
    case 'assign':
      return (
        <>
          <Select label="Membre du parquet" nativeSelectProps={{ name: 'assigneeId', required: true, defaultValue: '' }} {...status('assigneeId')}>
            <option value="" disabled>
              Choisir un membre
            </option>
            {context.members.map((member) => (
              <option key={member.id} value={member.id}>
                {member.displayName}
              </option>
            ))}
          </Select>
          <Input textArea label="Note interne (facultative)" hintText="Jamais visible de l’administration." nativeTextAreaProps={{ name: 'note', rows: 3 }} {...status('note')} />
        </>
      );
    case 'decide':
      return (
        <>
          <RadioButtons
            legend="Nature de la décision"
            name="kind"
            options={Object.entries(DECISION_LABELS).map(([value, label]) => ({
              label,
              nativeInputProps: { value, checked: kind === value, onChange: () => setKind(value) },
            }))}
          />
          {kind === 'DISMISSAL' ? (
            <Select label="Motif de classement" nativeSelectProps={{ name: 'dismissalReasonCode', required: true, defaultValue: '' }} {...status('dismissalReasonCode')}>
              <option value="" disabled>
                Choisir un motif
              </option>
              {context.dismissalReasons.map((reason) => (
                <option key={reason.code} value={reason.code}>
                  {reason.code} — {reason.label}
                </option>
              ))}
            </Select>
          ) : null}
          <Input
            textArea
            label="Motivation"
            hintText="Communiquée à l’administration (article 40-2 du code de procédure pénale)."
            nativeTextAreaProps={{ name: 'reasons', required: true, rows: 5 }}
            {...status('reasons')}
          />
        </>
      );
    case 'setUrgency':
      return (
        <>
          <RadioButtons
            legend="Le signalement est-il urgent ?"
            name="urgent"
            orientation="horizontal"
            options={[
              { label: 'Oui', nativeInputProps: { value: 'true', checked: urgent === 'true', onChange: () => setUrgent('true') } },
              { label: 'Non', nativeInputProps: { value: 'false', checked: urgent === 'false', onChange: () => setUrgent('false') } },
            ]}
          />
          {urgent === 'true' ? (
            <>
              <Select label="Motif d’urgence" nativeSelectProps={{ name: 'reason', required: true, defaultValue: '' }} {...status('reason')}>
                <option value="" disabled>
                  Choisir un motif
                </option>
                {Object.entries(URGENCY_REASON_LABELS).map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </Select>
              <Input label="Précision (obligatoire pour « Autre »)" nativeInputProps={{ name: 'detail' }} {...status('detail')} />
            </>
          ) : null}
        </>
      );
  }
}

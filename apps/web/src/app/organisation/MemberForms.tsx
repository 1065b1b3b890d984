'use client';
import { useActionState } from 'react';
import { fr } from '@codegouvfr/react-dsfr';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { changeRole, createMember, deactivate, type MemberState } from './actions';

export interface RoleOption {
  value: string;
  label: string;
}

export function CreateMemberForm({ roles }: { roles: RoleOption[] }) {
  const [state, action, pending] = useActionState<MemberState, FormData>(createMember, {});
  const err = (field: string) => (state.fields?.[field] ? { state: 'error' as const, stateRelatedMessage: state.fields[field] } : {});
  return (
    <form action={action} noValidate className={fr.cx('fr-mb-4w')}>
      <div aria-live="polite">
        {state.error ? <Alert severity="error" small description={state.error} className={fr.cx('fr-mb-2w')} /> : null}
        {state.ok ? (
          <Alert
            severity="success"
            title={state.message ?? 'Compte créé.'}
            description={`Mot de passe provisoire, à transmettre à la personne par un canal sûr (il ne sera plus affiché) : ${state.temporaryPassword}`}
            className={fr.cx('fr-mb-2w')}
          />
        ) : null}
      </div>
      <div className={fr.cx('fr-grid-row', 'fr-grid-row--gutters')}>
        <div className={fr.cx('fr-col-12', 'fr-col-md-6')}>
          <Input label="Prénom" nativeInputProps={{ name: 'firstName', required: true, autoComplete: 'off' }} {...err('firstName')} />
        </div>
        <div className={fr.cx('fr-col-12', 'fr-col-md-6')}>
          <Input label="Nom" nativeInputProps={{ name: 'lastName', required: true, autoComplete: 'off' }} {...err('lastName')} />
        </div>
        <div className={fr.cx('fr-col-12', 'fr-col-md-6')}>
          <Input label="Adresse électronique professionnelle" nativeInputProps={{ name: 'email', type: 'email', required: true, autoComplete: 'off' }} {...err('email')} />
        </div>
        <div className={fr.cx('fr-col-12', 'fr-col-md-6')}>
          <Select label="Rôle" nativeSelectProps={{ name: 'role', required: true, defaultValue: roles[0]?.value }} {...err('role')}>
            {roles.map((role) => (
              <option key={role.value} value={role.value}>
                {role.label}
              </option>
            ))}
          </Select>
        </div>
      </div>
      <Button type="submit" iconId="fr-icon-user-add-line" disabled={pending}>
        {pending ? 'Création…' : 'Créer le compte'}
      </Button>
    </form>
  );
}

export function MemberRow({ member, roles, self }: { member: { id: string; displayName: string; email: string | null; role: string; active: boolean }; roles: RoleOption[]; self: boolean }) {
  const [roleState, roleAction, rolePending] = useActionState<MemberState, FormData>(changeRole, {});
  const [offState, offAction, offPending] = useActionState<MemberState, FormData>(deactivate, {});
  const feedback = offState.error ?? roleState.error ?? offState.message ?? roleState.message;
  return (
    <tr>
      <td>{member.displayName}</td>
      <td>{member.email}</td>
      <td>
        {self || !member.active ? (
          (roles.find((role) => role.value === member.role)?.label ?? member.role)
        ) : (
          <form action={roleAction} style={{ display: 'flex', gap: '0.5rem', alignItems: 'flex-end' }}>
            <input type="hidden" name="id" value={member.id} />
            <Select label={`Rôle de ${member.displayName}`} nativeSelectProps={{ name: 'role', defaultValue: member.role }} className={fr.cx('fr-mb-0')}>
              {roles.map((role) => (
                <option key={role.value} value={role.value}>
                  {role.label}
                </option>
              ))}
            </Select>
            <Button type="submit" size="small" priority="secondary" disabled={rolePending}>
              Changer
            </Button>
          </form>
        )}
      </td>
      <td>
        {member.active ? (
          self ? (
            'Vous'
          ) : (
            <form action={offAction} onSubmit={(event) => { if (!window.confirm(`Désactiver le compte de ${member.displayName} ? Ses sessions seront fermées.`)) event.preventDefault(); }}>
              <input type="hidden" name="id" value={member.id} />
              <Button type="submit" size="small" priority="tertiary" disabled={offPending}>
                Désactiver
              </Button>
            </form>
          )
        ) : (
          'Désactivé'
        )}
        {feedback ? (
          <p className={fr.cx('fr-text--sm', 'fr-mb-0')} role="status">
            {feedback}
          </p>
        ) : null}
      </td>
    </tr>
  );
}

'use client';
import { useActionState } from 'react';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { PasswordInput } from '@codegouvfr/react-dsfr/blocks/PasswordInput';
import { fr } from '@codegouvfr/react-dsfr';
import { login, type LoginState } from './actions';

export function LoginForm() {
  const [state, action, pending] = useActionState<LoginState, FormData>(login, {});
  return (
    <form action={action} noValidate>
      {state.error ? <Alert severity="error" small description={state.error} className={fr.cx('fr-mb-3w')} /> : null}
      <Input
        label="Adresse électronique"
        hintText="Format attendu : nom@domaine.fr"
        nativeInputProps={{ name: 'email', type: 'email', autoComplete: 'username', required: true, defaultValue: state.email ?? '' }}
      />
      <PasswordInput label="Mot de passe" nativeInputProps={{ name: 'password', autoComplete: 'current-password', required: true }} />
      <Button type="submit" disabled={pending}>
        {pending ? 'Connexion…' : 'Se connecter'}
      </Button>
    </form>
  );
}

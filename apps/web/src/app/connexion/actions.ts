'use server';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { graphql } from '@/graphql/graphql';
import { callApi, SESSION_COOKIE } from '@/graphql/server';

const LoginMutation = graphql(`
  mutation Login($email: String!, $password: String!) {
    login(email: $email, password: $password) {
      token
      expiresAt
    }
  }
`);

const LogoutMutation = graphql(`
  mutation Logout {
    logout
  }
`);

export interface LoginState {
  error?: string;
  email?: string;
}

/**
 * Connexion : le jeton de session reçu de l'API est rangé dans un cookie httpOnly, SameSite=Lax,
 * que les scripts de la page ne peuvent pas lire.
 */
export async function login(_previous: LoginState, form: FormData): Promise<LoginState> {
  const email = String(form.get('email') ?? '').trim();
  const password = String(form.get('password') ?? '');
  if (!email || !password) return { error: 'Saisissez votre adresse électronique et votre mot de passe.', email };
  const result = await callApi(LoginMutation, { email, password }, '');
  if (result.errors) {
    const code = result.errors[0]?.extensions?.code;
    return {
      error: code === 'UNAUTHENTICATED' ? 'Adresse électronique ou mot de passe incorrect.' : 'La connexion a échoué, réessayez dans un instant.',
      email,
    };
  }
  (await cookies()).set(SESSION_COOKIE, result.data.login.token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: process.env.NODE_ENV === 'production' && process.env.INSECURE_COOKIES !== 'true',
    path: '/',
    expires: new Date(result.data.login.expiresAt),
  });
  redirect('/');
}

export async function logout(): Promise<void> {
  await callApi(LogoutMutation);
  (await cookies()).delete(SESSION_COOKIE);
  redirect('/connexion');
}

'use server';
import { revalidatePath } from 'next/cache';
import { graphql } from '@/graphql/graphql';
import { callApi, type ApiError } from '@/graphql/server';

const CreateApiToken = graphql(`
  mutation CreateApiToken($input: ApiTokenInput!) {
    createApiToken(input: $input) { token apiToken { id name } }
  }
`);
const RevokeApiToken = graphql(`mutation RevokeApiToken($id: ID!) { revokeApiToken(id: $id) { id status } }`);
const RegisterWebhook = graphql(`
  mutation RegisterWebhook($input: WebhookInput!) {
    registerWebhook(input: $input) { secret webhook { id url } }
  }
`);
const DeleteWebhook = graphql(`mutation DeleteWebhook($id: ID!) { deleteWebhook(id: $id) }`);
const EnableWebhook = graphql(`mutation EnableWebhook($id: ID!) { enableWebhook(id: $id) { id active } }`);

export interface AccessState {
  ok?: boolean;
  message?: string;
  error?: string;
  fields?: Record<string, string>;
  /** Le jeton ou le secret créé, montré cette seule fois. */
  secret?: string;
  at?: number;
}

const PAGE = '/organisation/acces-api';

const fail = (errors: ApiError[]): AccessState => {
  const first = errors[0]!;
  return {
    error: first.extensions?.code === 'BAD_USER_INPUT' ? 'Certains champs sont à corriger.' : first.message,
    // « input.allowedNetworks.1 » → « allowedNetworks » : le message dit lequel.
    fields: Object.fromEntries((first.extensions?.fields ?? []).map((f) => [f.field.replace(/^input\./, '').replace(/\.\d+$/, ''), f.message])),
    at: Date.now(),
  };
};

const list = (value: FormDataEntryValue | null) =>
  String(value ?? '')
    .split(/[\s,;]+/)
    .map((entry) => entry.trim())
    .filter(Boolean);

export async function createApiToken(_previous: AccessState, form: FormData): Promise<AccessState> {
  const date = String(form.get('expiresAt') ?? '');
  // Le jeton vaut jusqu'à la fin du jour choisi ; une date illisible est signalée par l'API.
  const expiresAt = /^\d{4}-\d{2}-\d{2}$/.test(date) ? `${date}T23:59:59.000Z` : date;
  if (!expiresAt) return { error: 'Certains champs sont à corriger.', fields: { expiresAt: 'Échéance : champ obligatoire.' }, at: Date.now() };
  const result = await callApi(CreateApiToken, {
    input: {
      name: String(form.get('name') ?? ''),
      scopes: form.getAll('scopes').map(String) as ('READ' | 'WRITE')[],
      expiresAt,
      allowedNetworks: list(form.get('allowedNetworks')),
    },
  });
  if (result.errors) return fail(result.errors);
  revalidatePath(PAGE);
  return { ok: true, message: `Jeton « ${result.data.createApiToken.apiToken.name} » créé.`, secret: result.data.createApiToken.token, at: Date.now() };
}

export async function revokeApiToken(_previous: AccessState, form: FormData): Promise<AccessState> {
  const result = await callApi(RevokeApiToken, { id: String(form.get('id')) });
  if (result.errors) return fail(result.errors);
  revalidatePath(PAGE);
  return { ok: true, message: 'Jeton révoqué : il est refusé dès maintenant.', at: Date.now() };
}

export async function registerWebhook(_previous: AccessState, form: FormData): Promise<AccessState> {
  const description = String(form.get('description') ?? '').trim();
  const result = await callApi(RegisterWebhook, {
    input: { url: String(form.get('url') ?? ''), events: form.getAll('events').map(String) as never, description: description || null },
  });
  if (result.errors) return fail(result.errors);
  revalidatePath(PAGE);
  return { ok: true, message: `Adresse ${result.data.registerWebhook.webhook.url} enregistrée.`, secret: result.data.registerWebhook.secret, at: Date.now() };
}

export async function deleteWebhook(_previous: AccessState, form: FormData): Promise<AccessState> {
  const result = await callApi(DeleteWebhook, { id: String(form.get('id')) });
  if (result.errors) return fail(result.errors);
  revalidatePath(PAGE);
  return { ok: true, message: 'Adresse supprimée.', at: Date.now() };
}

export async function enableWebhook(_previous: AccessState, form: FormData): Promise<AccessState> {
  const result = await callApi(EnableWebhook, { id: String(form.get('id')) });
  if (result.errors) return fail(result.errors);
  revalidatePath(PAGE);
  return { ok: true, message: 'Adresse réactivée : rejouez les événements manqués depuis le dernier reçu (replayWebhookDeliveries).', at: Date.now() };
}

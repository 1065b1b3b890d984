'use server';
import { revalidatePath } from 'next/cache';
import { graphql } from '@/graphql/graphql';
import { callApi, type ApiError } from '@/graphql/server';

const CreateMember = graphql(`
  mutation CreateMember($input: MemberInput!) {
    createMember(input: $input) { temporaryPassword user { id displayName email } }
  }
`);
const UpdateRole = graphql(`mutation UpdateMemberRole($id: ID!, $role: Role!) { updateMemberRole(id: $id, role: $role) { id role } }`);
const Deactivate = graphql(`mutation DeactivateMember($id: ID!) { deactivateMember(id: $id) { id active } }`);

export interface MemberState {
  ok?: boolean;
  message?: string;
  error?: string;
  fields?: Record<string, string>;
  temporaryPassword?: string;
  at?: number;
}

const fail = (errors: ApiError[]): MemberState => {
  const first = errors[0]!;
  return {
    error: first.extensions?.code === 'BAD_USER_INPUT' ? 'Certains champs sont à corriger.' : first.message,
    fields: Object.fromEntries((first.extensions?.fields ?? []).map((f) => [f.field.replace(/^input\./, ''), f.message])),
    at: Date.now(),
  };
};

export async function createMember(_previous: MemberState, form: FormData): Promise<MemberState> {
  const input = {
    email: String(form.get('email') ?? '').trim(),
    firstName: String(form.get('firstName') ?? '').trim(),
    lastName: String(form.get('lastName') ?? '').trim(),
    role: String(form.get('role') ?? '') as never,
  };
  const result = await callApi(CreateMember, { input });
  if (result.errors) return fail(result.errors);
  revalidatePath('/organisation');
  const { user, temporaryPassword } = result.data.createMember;
  return {
    ok: true,
    message: `Compte créé pour ${user.displayName} (${user.email ?? input.email}).`,
    temporaryPassword,
    at: Date.now(),
  };
}

export async function changeRole(_previous: MemberState, form: FormData): Promise<MemberState> {
  const result = await callApi(UpdateRole, { id: String(form.get('id')), role: String(form.get('role')) as never });
  if (result.errors) return fail(result.errors);
  revalidatePath('/organisation');
  return { ok: true, message: 'Rôle mis à jour.', at: Date.now() };
}

export async function deactivate(_previous: MemberState, form: FormData): Promise<MemberState> {
  const result = await callApi(Deactivate, { id: String(form.get('id')) });
  if (result.errors) return fail(result.errors);
  revalidatePath('/organisation');
  return { ok: true, message: 'Compte désactivé : ses sessions sont fermées.', at: Date.now() };
}

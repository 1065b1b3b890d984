'use server';
import { redirect } from 'next/navigation';
import { graphql, type VariablesOf } from '@/graphql/graphql';
import { callApi } from '@/graphql/server';

const Create = graphql(`mutation CreateSignalement($input: SignalementInput!) { createSignalement(input: $input) { id } }`);
const Transmit = graphql(`mutation TransmitNew($id: ID!) { transmitSignalement(id: $id) { id reference } }`);

export type SignalementInput = VariablesOf<typeof Create>['input'];

export interface SaveResult {
  error?: string;
  fields?: Record<string, string>;
}

/**
 * Enregistre le brouillon puis, si demandé, le transmet. Le serveur valide avec les mêmes règles
 * que le formulaire ; ses erreurs reviennent champ par champ.
 */
export async function saveSignalement(input: SignalementInput, transmit: boolean): Promise<SaveResult> {
  const created = await callApi(Create, { input });
  if (created.errors) {
    const first = created.errors[0]!;
    const fields = Object.fromEntries((first.extensions?.fields ?? []).map((issue) => [issue.field.replace(/^input\./, ''), issue.message]));
    return { error: first.extensions?.code === 'BAD_USER_INPUT' ? 'Certains champs sont à corriger.' : first.message, fields };
  }
  const id = created.data.createSignalement.id;
  if (transmit) {
    const transmitted = await callApi(Transmit, { id });
    if (transmitted.errors) {
      // Le brouillon est enregistré : on y mène l'agent, qui pourra corriger puis transmettre.
      redirect(`/signalements/${encodeURIComponent(id)}?erreur=transmission`);
    }
  }
  redirect(`/signalements/${encodeURIComponent(id)}`);
}

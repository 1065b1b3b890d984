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

const CreateForPieces = graphql(`mutation CreateSignalementForPieces($input: SignalementInput!) { createSignalement(input: $input) { id piecesUploadPath } }`);

/**
 * Avec des pièces : le brouillon est d'abord enregistré, sans transmission ni redirection, pour
 * que le navigateur envoie ses fichiers (en flux, par le relais /documents/…) au chemin rendu ;
 * `finishAfterPieces` transmet ensuite. Les pièces sont ainsi transmises avec le signalement et
 * figurent sur l'accusé de réception.
 */
export async function createDraftForPieces(input: SignalementInput): Promise<SaveResult & { id?: string; uploadPath?: string }> {
  const created = await callApi(CreateForPieces, { input });
  if (created.errors) {
    const first = created.errors[0]!;
    const fields = Object.fromEntries((first.extensions?.fields ?? []).map((issue) => [issue.field.replace(/^input\./, ''), issue.message]));
    return { error: first.extensions?.code === 'BAD_USER_INPUT' ? 'Certains champs sont à corriger.' : first.message, fields };
  }
  const { id, piecesUploadPath } = created.data.createSignalement;
  return { id, uploadPath: piecesUploadPath ?? undefined };
}

/**
 * Après l'envoi des pièces : transmet si c'était demandé et si les pièces sont bien arrivées,
 * puis mène à la page du signalement. Si l'envoi des pièces a échoué, rien n'est transmis :
 * l'agent retrouve son brouillon, où il les joint de nouveau avant de transmettre.
 */
export async function finishAfterPieces(id: string, transmit: boolean, piecesFailed: boolean): Promise<void> {
  const page = `/signalements/${encodeURIComponent(id)}`;
  if (piecesFailed) redirect(`${page}?erreur=pieces`);
  if (transmit) {
    const transmitted = await callApi(Transmit, { id });
    if (transmitted.errors) redirect(`${page}?erreur=transmission`);
  }
  redirect(page);
}

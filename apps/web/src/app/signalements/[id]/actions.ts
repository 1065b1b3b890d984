'use server';
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { graphql } from '@/graphql/graphql';
import { callApi, type ApiError } from '@/graphql/server';

export interface ActionState {
  ok?: boolean;
  message?: string;
  error?: string;
  fields?: Record<string, string>;
  /** Incrémenté à chaque réponse : la fenêtre sait qu'une nouvelle réponse est arrivée. */
  at?: number;
}

const Transmit = graphql(`mutation Transmit($id: ID!) { transmitSignalement(id: $id) { id reference } }`);
const Withdraw = graphql(`mutation Withdraw($id: ID!, $reason: String!) { withdrawSignalement(id: $id, reason: $reason) { id } }`);
const Transfer = graphql(`mutation Transfer($id: ID!, $parquetCode: String!, $reason: String!) { transferSignalement(id: $id, parquetCode: $parquetCode, reason: $reason) { id } }`);
const Register = graphql(`mutation Register($id: ID!, $parquetNumber: String) { registerSignalement(id: $id, parquetNumber: $parquetNumber) { id } }`);
const Assign = graphql(`mutation Assign($id: ID!, $assigneeId: ID!, $note: String) { assignSignalement(id: $id, assigneeId: $assigneeId, note: $note) { id } }`);
const RequestInformation = graphql(`mutation RequestInformation($id: ID!, $message: String!) { requestInformation(id: $id, message: $message) { id } }`);
const Answer = graphql(`mutation Answer($id: ID!, $message: String!) { answerInformationRequest(id: $id, message: $message) { id } }`);
const Decide = graphql(`mutation Decide($id: ID!, $input: DecisionInput!) { decideSignalement(id: $id, input: $input) { id } }`);
const Reopen = graphql(`mutation Reopen($id: ID!, $reason: String!) { reopenSignalement(id: $id, reason: $reason) { id } }`);
const Close = graphql(`mutation Close($id: ID!) { closeSignalement(id: $id) { id } }`);
const SetUrgency = graphql(`mutation SetUrgency($id: ID!, $urgent: Boolean!, $reason: UrgencyReason, $detail: String) { setUrgency(id: $id, urgent: $urgent, reason: $reason, detail: $detail) { id } }`);
const Delete = graphql(`mutation DeleteDraft($id: ID!) { deleteSignalement(id: $id) { id } }`);

const text = (form: FormData, name: string) => String(form.get(name) ?? '').trim();
const optional = (form: FormData, name: string) => text(form, name) || null;

const SUCCESS: Record<string, string> = {
  transmit: 'Signalement transmis au parquet.',
  withdraw: 'Signalement retiré.',
  transfer: 'Signalement transféré.',
  register: 'Signalement enregistré.',
  assign: 'Signalement attribué.',
  requestInformation: 'Demande de renseignements envoyée.',
  answerInformationRequest: 'Réponse envoyée au parquet.',
  decide: 'Décision enregistrée.',
  reopen: 'Signalement rouvert.',
  close: 'Signalement clôturé.',
  setUrgency: 'Urgence mise à jour.',
};

/** Une opération du cycle de vie, depuis la page de détail ; l'API décide de tout (droits, statut). */
export async function performAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  const id = text(form, 'id');
  const action = text(form, 'action');
  let errors: ApiError[] | undefined;
  switch (action) {
    case 'transmit':
      errors = (await callApi(Transmit, { id })).errors;
      break;
    case 'withdraw':
      errors = (await callApi(Withdraw, { id, reason: text(form, 'reason') })).errors;
      break;
    case 'transfer':
      errors = (await callApi(Transfer, { id, parquetCode: text(form, 'parquetCode'), reason: text(form, 'reason') })).errors;
      break;
    case 'register':
      errors = (await callApi(Register, { id, parquetNumber: optional(form, 'parquetNumber') })).errors;
      break;
    case 'assign':
      errors = (await callApi(Assign, { id, assigneeId: text(form, 'assigneeId'), note: optional(form, 'note') })).errors;
      break;
    case 'requestInformation':
      errors = (await callApi(RequestInformation, { id, message: text(form, 'message') })).errors;
      break;
    case 'answerInformationRequest':
      errors = (await callApi(Answer, { id, message: text(form, 'message') })).errors;
      break;
    case 'decide': {
      const kind = text(form, 'kind') as 'PROSECUTION' | 'ALTERNATIVE_MEASURE' | 'JUDICIAL_INVESTIGATION' | 'DISMISSAL';
      const input = { kind, reasons: text(form, 'reasons'), dismissalReasonCode: kind === 'DISMISSAL' ? optional(form, 'dismissalReasonCode') : null };
      errors = (await callApi(Decide, { id, input })).errors;
      break;
    }
    case 'reopen':
      errors = (await callApi(Reopen, { id, reason: text(form, 'reason') })).errors;
      break;
    case 'close':
      errors = (await callApi(Close, { id })).errors;
      break;
    case 'setUrgency': {
      const urgent = text(form, 'urgent') === 'true';
      const reason = urgent ? (optional(form, 'reason') as never) : null;
      errors = (await callApi(SetUrgency, { id, urgent, reason, detail: urgent ? optional(form, 'detail') : null })).errors;
      break;
    }
    case 'delete': {
      const result = await callApi(Delete, { id });
      if (!result.errors) redirect('/signalements?onglet=brouillons');
      errors = result.errors;
      break;
    }
    default:
      return { error: 'Opération inconnue.', at: Date.now() };
  }
  if (errors?.length) return toState(errors);
  revalidatePath(`/signalements/${encodeURIComponent(id)}`);
  return { ok: true, message: SUCCESS[action] ?? 'Opération effectuée.', at: Date.now() };
}

/** Les erreurs de l'API, champ par champ quand l'API les nomme (BAD_USER_INPUT). */
function toState(errors: ApiError[]): ActionState {
  const first = errors[0]!;
  const fields: Record<string, string> = {};
  for (const issue of first.extensions?.fields ?? []) fields[issue.field.replace(/^input\./, '')] = issue.message;
  const code = first.extensions?.code;
  const error =
    code === 'BAD_USER_INPUT'
      ? 'Certains champs sont à corriger.'
      : code === 'CONFLICT'
        ? 'Le signalement a été modifié entre-temps : la page a été rechargée, vérifiez puis recommencez.'
        : first.message;
  return { error, fields, at: Date.now() };
}

const DeletePiece = graphql(`mutation DeletePiece($id: ID!) { deletePiece(id: $id) { id } }`);

/** Retire une pièce d'un brouillon ; l'API vérifie tout (rôle, statut, périmètre). */
export async function deletePiece(signalementId: string, pieceId: string): Promise<{ error?: string }> {
  const result = await callApi(DeletePiece, { id: pieceId });
  if (result.errors) return { error: result.errors[0]!.message };
  revalidatePath(`/signalements/${encodeURIComponent(signalementId)}`);
  return {};
}

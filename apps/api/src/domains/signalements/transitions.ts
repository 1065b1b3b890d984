import type { SignalementStatus } from '@infoparquet/db';
import { STATUS_LABELS as SHARED_STATUS_LABELS } from '@infoparquet/validation';
import { InvalidTransitionError } from '../../errors.js';

/** Le cycle de vie : chaque opération, les statuts d'où elle part et celui où elle mène. */
export const TRANSITIONS = {
  update: { from: ['DRAFT'], to: 'DRAFT' },
  delete: { from: ['DRAFT'], to: null },
  transmit: { from: ['DRAFT'], to: 'TRANSMITTED' },
  withdraw: { from: ['TRANSMITTED'], to: 'WITHDRAWN' },
  transfer: { from: ['TRANSMITTED'], to: 'TRANSMITTED' },
  register: { from: ['TRANSMITTED'], to: 'REGISTERED' },
  assign: { from: ['REGISTERED', 'IN_PROGRESS'], to: 'IN_PROGRESS' },
  requestInformation: { from: ['IN_PROGRESS'], to: 'INFORMATION_REQUESTED' },
  answerInformationRequest: { from: ['INFORMATION_REQUESTED'], to: 'IN_PROGRESS' },
  decide: { from: ['REGISTERED', 'IN_PROGRESS'], to: 'DECIDED' },
  reopen: { from: ['DECIDED'], to: 'IN_PROGRESS' },
  close: { from: ['DECIDED'], to: 'CLOSED' },
  // Le changement d'urgence ne change pas le statut ; il n'a de sens qu'avant la décision.
  setUrgency: { from: ['TRANSMITTED', 'REGISTERED', 'IN_PROGRESS', 'INFORMATION_REQUESTED'], to: null },
} as const satisfies Record<string, { from: readonly SignalementStatus[]; to: SignalementStatus | null }>;

export type WorkflowAction = keyof typeof TRANSITIONS;

export const STATUS_LABELS: Record<SignalementStatus, string> = SHARED_STATUS_LABELS;

export const ACTION_LABELS: Record<WorkflowAction, string> = {
  update: 'modifier un signalement',
  delete: 'supprimer un signalement',
  transmit: 'transmettre un signalement',
  withdraw: 'retirer un signalement',
  transfer: 'transférer un signalement',
  register: 'enregistrer un signalement',
  assign: 'attribuer un signalement',
  requestInformation: 'demander des renseignements sur un signalement',
  answerInformationRequest: 'répondre à une demande de renseignements sur un signalement',
  decide: 'décider d’un signalement',
  reopen: 'rouvrir un signalement',
  close: 'clôturer un signalement',
  setUrgency: 'changer l’urgence d’un signalement',
};

export function canTransition(action: WorkflowAction, status: SignalementStatus): boolean {
  return (TRANSITIONS[action].from as readonly SignalementStatus[]).includes(status);
}

/** Le statut d'arrivée, ou une erreur INVALID_TRANSITION qui dit d'où l'opération est possible. */
export function assertTransition(action: WorkflowAction, status: SignalementStatus): SignalementStatus {
  const transition = TRANSITIONS[action];
  if (!canTransition(action, status)) {
    const allowed = transition.from.map((from) => `« ${STATUS_LABELS[from]} »`).join(', ');
    throw new InvalidTransitionError(
      `Impossible de ${ACTION_LABELS[action]} au statut « ${STATUS_LABELS[status]} » : opération possible seulement au statut ${allowed}.`,
      status,
      action,
    );
  }
  return transition.to ?? status;
}

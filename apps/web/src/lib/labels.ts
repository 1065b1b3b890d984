import { DECISION_KIND_LABELS, STATUS_LABELS, URGENCY_REASON_LABELS, type StatusCode } from '@infoparquet/validation';

export { URGENCY_REASON_LABELS };

export type Status = StatusCode;
export { STATUS_LABELS };

export const DECISION_LABELS = DECISION_KIND_LABELS;

export const ACTION_LABELS: Record<string, string> = {
  create: 'Création du brouillon',
  update: 'Modification du brouillon',
  transmit: 'Transmission au parquet',
  withdraw: 'Retrait',
  transfer: 'Transfert',
  register: 'Enregistrement au parquet',
  assign: 'Attribution',
  requestInformation: 'Demande de renseignements',
  answerInformationRequest: 'Réponse aux renseignements',
  decide: 'Décision',
  reopen: 'Réouverture',
  close: 'Clôture',
  setUrgency: 'Changement d’urgence',
};

export const PERSON_ROLE_LABELS = { SUSPECT: 'Mis en cause', VICTIM: 'Victime', WITNESS: 'Témoin', OTHER: 'Autre' } as const;

const dateTime = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'medium', timeZone: 'Europe/Paris' });
const shortDate = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeStyle: 'short', timeZone: 'Europe/Paris' });

export function formatDateTime(iso: string | null | undefined): string {
  return iso ? dateTime.format(new Date(iso)) : '—';
}

export function formatShort(iso: string | null | undefined): string {
  return iso ? shortDate.format(new Date(iso)) : '—';
}

import { z } from 'zod';
import { inseeCode, natinfCode, parquetCode, siren } from './identifiers';

export const URGENCY_REASONS = [
  'DANGER_TO_PERSONS',
  'HEALTH_OR_SAFETY_RISK',
  'EVIDENCE_AT_RISK',
  'LIMITATION_PERIOD_CLOSE',
  'ONGOING_MEASURE',
  'OTHER',
] as const;
export type UrgencyReasonCode = (typeof URGENCY_REASONS)[number];

export const URGENCY_REASON_LABELS: Record<UrgencyReasonCode, string> = {
  DANGER_TO_PERSONS: 'Danger pour les personnes',
  HEALTH_OR_SAFETY_RISK: 'Risque sanitaire ou pour la sécurité',
  EVIDENCE_AT_RISK: 'Risque de disparition des preuves',
  LIMITATION_PERIOD_CLOSE: 'Prescription proche',
  ONGOING_MEASURE: 'Mesure en cours (fermeture, consignation, saisie…)',
  OTHER: 'Autre motif (à préciser)',
};

export const PERSON_KINDS = ['NATURAL', 'LEGAL'] as const;
export const PERSON_ROLES = ['SUSPECT', 'VICTIM', 'WITNESS', 'OTHER'] as const;
export const DECISION_KINDS = ['PROSECUTION', 'ALTERNATIVE_MEASURE', 'JUDICIAL_INVESTIGATION', 'DISMISSAL'] as const;

const text = (label: string, max: number) =>
  z
    .string({ error: `${label} : texte attendu.` })
    .trim()
    .min(1, `${label} : champ obligatoire.`)
    .max(max, `${label} : ${max} caractères au plus.`);

const optionalText = (label: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `${label} : ${max} caractères au plus.`)
    .nullish()
    .transform((value) => (value ? value : null));

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Date attendue au format AAAA-MM-JJ.')
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)), 'Date inexistante.');

export const personSchema = z
  .object({
    kind: z.enum(PERSON_KINDS, { error: 'Nature de la personne : physique (NATURAL) ou morale (LEGAL).' }),
    role: z.enum(PERSON_ROLES, { error: 'Qualité de la personne : mis en cause, victime, témoin ou autre.' }),
    lastName: optionalText('Nom', 200),
    firstName: optionalText('Prénom', 200),
    birthDate: isoDate.nullish().transform((value) => value ?? null),
    legalName: optionalText('Raison sociale', 300),
    siren: siren.nullish().transform((value) => value ?? null),
    address: optionalText('Adresse', 500),
  })
  .superRefine((person, ctx) => {
    if (person.kind === 'NATURAL' && !person.lastName) {
      ctx.addIssue({ code: 'custom', path: ['lastName'], message: 'Nom : obligatoire pour une personne physique.' });
    }
    if (person.kind === 'LEGAL' && !person.legalName) {
      ctx.addIssue({ code: 'custom', path: ['legalName'], message: 'Raison sociale : obligatoire pour une personne morale.' });
    }
    if (person.kind === 'NATURAL' && person.siren) {
      ctx.addIssue({ code: 'custom', path: ['siren'], message: 'SIREN : réservé aux personnes morales.' });
    }
  });
export type PersonData = z.output<typeof personSchema>;

/** Saisie d'un signalement (création ou modification d'un brouillon). */
export const signalementInputSchema = z
  .object({
    parquetCode: parquetCode.nullish().transform((value) => value ?? null),
    title: text('Titre', 300),
    facts: text('Exposé des faits', 100_000),
    factsDate: text('Date des faits', 200),
    factsFrom: isoDate.nullish().transform((value) => value ?? null),
    factsTo: isoDate.nullish().transform((value) => value ?? null),
    places: z.array(inseeCode).max(100, 'Lieux : 100 communes au plus.').default([]),
    natinfCodes: z.array(natinfCode).max(50, 'Codes NATINF : 50 au plus.').default([]),
    persons: z.array(personSchema).max(200, 'Personnes : 200 au plus.').default([]),
    externalReference: optionalText('Référence interne', 100),
    urgent: z.boolean().default(false),
    urgencyReason: z.enum(URGENCY_REASONS).nullish().transform((value) => value ?? null),
    urgencyDetail: optionalText('Précision sur l’urgence', 2000),
  })
  .superRefine((input, ctx) => {
    if (input.factsFrom && input.factsTo && input.factsFrom > input.factsTo) {
      ctx.addIssue({ code: 'custom', path: ['factsTo'], message: 'Fin de la période des faits : postérieure au début.' });
    }
    if (input.urgent && !input.urgencyReason) {
      ctx.addIssue({ code: 'custom', path: ['urgencyReason'], message: 'Motif d’urgence : obligatoire pour un signalement urgent.' });
    }
    if (!input.urgent && input.urgencyReason) {
      ctx.addIssue({ code: 'custom', path: ['urgencyReason'], message: 'Motif d’urgence : seulement pour un signalement urgent.' });
    }
    if (input.urgencyReason === 'OTHER' && !input.urgencyDetail) {
      ctx.addIssue({ code: 'custom', path: ['urgencyDetail'], message: 'Précision sur l’urgence : obligatoire pour le motif « Autre ».' });
    }
  });
export type SignalementInputData = z.output<typeof signalementInputSchema>;

/** Changement d'urgence par le parquet (confirmation ou levée). */
export const urgencyInputSchema = z
  .object({
    urgent: z.boolean(),
    reason: z.enum(URGENCY_REASONS).nullish().transform((value) => value ?? null),
    detail: optionalText('Précision sur l’urgence', 2000),
  })
  .superRefine((input, ctx) => {
    if (input.urgent && !input.reason) {
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'Motif d’urgence : obligatoire pour un signalement urgent.' });
    }
    if (input.reason === 'OTHER' && !input.detail) {
      ctx.addIssue({ code: 'custom', path: ['detail'], message: 'Précision sur l’urgence : obligatoire pour le motif « Autre ».' });
    }
  });

/** Décision du procureur ; un classement sans suite exige un motif et des raisons écrites (art. 40-2). */
export const decisionInputSchema = z
  .object({
    kind: z.enum(DECISION_KINDS, { error: 'Nature de la décision inconnue.' }),
    dismissalReasonCode: z.string().trim().nullish().transform((value) => value || null),
    reasons: text('Motivation', 20_000),
  })
  .superRefine((input, ctx) => {
    if (input.kind === 'DISMISSAL' && !input.dismissalReasonCode) {
      ctx.addIssue({ code: 'custom', path: ['dismissalReasonCode'], message: 'Motif de classement : obligatoire pour un classement sans suite.' });
    }
    if (input.kind !== 'DISMISSAL' && input.dismissalReasonCode) {
      ctx.addIssue({ code: 'custom', path: ['dismissalReasonCode'], message: 'Motif de classement : seulement pour un classement sans suite.' });
    }
  });

export const reasonSchema = (label: string) => text(label, 5000);
export const messageSchema = text('Message', 20_000);
export const parquetNumberSchema = z
  .string()
  .trim()
  .max(50, 'Numéro parquet : 50 caractères au plus.')
  .regex(/^[A-Za-z0-9/ ._-]*$/, 'Numéro parquet : lettres, chiffres, espaces et / . _ - seulement.')
  .nullish()
  .transform((value) => (value ? value : null));

import { DecisionKind, MessageKind, SignalementStatus, UrgencyReason } from '@infoparquet/db';
import { PERSON_KINDS, PERSON_ROLES, type PersonData } from '@infoparquet/validation';
import { builder } from '../../builder.js';
import { avisDeDecisionPath, proofOfDepositPath } from '../documents/paths.js';
import { OrganizationRef } from '../organizations/schema.js';
import { isParquetStaff, roleAllows, ROLES_FOR, visibleWhere } from './permissions.js';
import { ACTION_LABELS, canTransition, TRANSITIONS, type WorkflowAction } from './transitions.js';

export const SignalementStatusEnum = builder.enumType(SignalementStatus, {
  name: 'SignalementStatus',
  description: 'Étape du cycle de vie d’un signalement.',
  values: {
    DRAFT: { description: 'Brouillon de l’administration, invisible du parquet.' },
    TRANSMITTED: { description: 'Transmis au parquet, référence attribuée, contenu figé.' },
    WITHDRAWN: { description: 'Retiré par l’administration avant enregistrement.' },
    REGISTERED: { description: 'Enregistré par le bureau d’ordre du parquet.' },
    IN_PROGRESS: { description: 'En cours de traitement (orienté, attribué).' },
    INFORMATION_REQUESTED: { description: 'Le parquet attend des renseignements de l’administration.' },
    DECIDED: { description: 'Le procureur a décidé (art. 40-1).' },
    CLOSED: { description: 'Clôturé.' },
  },
});

export const UrgencyReasonEnum = builder.enumType(UrgencyReason, {
  name: 'UrgencyReason',
  description: 'Motif d’urgence.',
  values: {
    DANGER_TO_PERSONS: { description: 'Danger pour les personnes.' },
    HEALTH_OR_SAFETY_RISK: { description: 'Risque sanitaire ou pour la sécurité.' },
    EVIDENCE_AT_RISK: { description: 'Risque de disparition des preuves.' },
    LIMITATION_PERIOD_CLOSE: { description: 'Prescription proche.' },
    ONGOING_MEASURE: { description: 'Mesure en cours (fermeture, consignation, saisie…).' },
    OTHER: { description: 'Autre motif, à préciser.' },
  },
});

export const DecisionKindEnum = builder.enumType(DecisionKind, {
  name: 'DecisionKind',
  description: 'Nature de la décision du procureur (art. 40-1).',
  values: {
    PROSECUTION: { description: 'Engagement des poursuites.' },
    ALTERNATIVE_MEASURE: { description: 'Alternative aux poursuites.' },
    JUDICIAL_INVESTIGATION: { description: 'Ouverture d’une information judiciaire.' },
    DISMISSAL: { description: 'Classement sans suite (motif et raisons écrites, art. 40-2).' },
  },
});

const MessageKindEnum = builder.enumType(MessageKind, {
  name: 'MessageKind',
  description: 'Nature d’un message.',
  values: {
    INFORMATION_REQUEST: { description: 'Demande de renseignements du parquet.' },
    INFORMATION_ANSWER: { description: 'Réponse de l’administration.' },
    INTERNAL_NOTE: { description: 'Note interne du parquet, jamais visible de l’administration.' },
  },
});

const PersonKindEnum = builder.enumType('PersonKind', {
  description: 'Personne physique ou morale.',
  values: {
    NATURAL: { description: 'Personne physique.' },
    LEGAL: { description: 'Personne morale (société, association…).' },
  } satisfies Record<(typeof PERSON_KINDS)[number], unknown>,
});

const PersonRoleEnum = builder.enumType('PersonRole', {
  description: 'Qualité de la personne dans les faits.',
  values: {
    SUSPECT: { description: 'Mis en cause.' },
    VICTIM: { description: 'Victime.' },
    WITNESS: { description: 'Témoin.' },
    OTHER: { description: 'Autre.' },
  } satisfies Record<(typeof PERSON_ROLES)[number], unknown>,
});

const WorkflowActionEnum = builder.enumType('SignalementAction', {
  description: 'Opération du cycle de vie, telle que listée par `availableActions`.',
  values: Object.fromEntries(
    (Object.keys(TRANSITIONS) as WorkflowAction[]).map((action) => [
      action.replace(/[A-Z]/g, (l) => `_${l}`).toUpperCase(),
      { value: action, description: `${ACTION_LABELS[action].charAt(0).toUpperCase()}${ACTION_LABELS[action].slice(1)}.` },
    ]),
  ) as Record<string, { value: WorkflowAction; description: string }>,
});

const PersonRef = builder.objectRef<PersonData>('Person').implement({
  description: 'Personne concernée par les faits.',
  fields: (t) => ({
    kind: t.field({ type: PersonKindEnum, description: 'Physique ou morale.', resolve: (p) => p.kind }),
    role: t.field({ type: PersonRoleEnum, description: 'Qualité dans les faits.', resolve: (p) => p.role }),
    lastName: t.string({ nullable: true, description: 'Nom (personne physique).', resolve: (p) => p.lastName }),
    firstName: t.string({ nullable: true, description: 'Prénom (personne physique).', resolve: (p) => p.firstName }),
    birthDate: t.string({ nullable: true, description: 'Date de naissance, AAAA-MM-JJ.', resolve: (p) => p.birthDate }),
    legalName: t.string({ nullable: true, description: 'Raison sociale (personne morale).', resolve: (p) => p.legalName }),
    siren: t.string({ nullable: true, description: 'SIREN (personne morale).', resolve: (p) => p.siren }),
    address: t.string({ nullable: true, description: 'Adresse.', resolve: (p) => p.address }),
  }),
});

export const PersonInput = builder.inputType('PersonInput', {
  description: 'Personne concernée par les faits.',
  fields: (t) => ({
    kind: t.field({ type: PersonKindEnum, required: true, description: 'Physique ou morale.' }),
    role: t.field({ type: PersonRoleEnum, required: true, description: 'Qualité dans les faits.' }),
    lastName: t.string({ description: 'Nom (obligatoire pour une personne physique).' }),
    firstName: t.string({ description: 'Prénom.' }),
    birthDate: t.string({ description: 'Date de naissance, AAAA-MM-JJ.' }),
    legalName: t.string({ description: 'Raison sociale (obligatoire pour une personne morale).' }),
    siren: t.string({ description: 'SIREN à 9 chiffres (personne morale).' }),
    address: t.string({ description: 'Adresse.' }),
  }),
});

export const SignalementInput = builder.inputType('SignalementInput', {
  description: 'Contenu d’un signalement, à la création ou à la modification d’un brouillon.',
  fields: (t) => ({
    parquetCode: t.string({ description: 'Code du parquet destinataire (ex. MELUN) ; obligatoire pour transmettre.' }),
    title: t.string({ required: true, description: 'Titre court.' }),
    facts: t.string({ required: true, description: 'Exposé des faits.' }),
    factsDate: t.string({ required: true, description: 'Date ou période des faits, en clair (ex. « de mars à mai 2026 »).' }),
    factsFrom: t.string({ description: 'Début de la période des faits, AAAA-MM-JJ (pour les recherches).' }),
    factsTo: t.string({ description: 'Fin de la période des faits, AAAA-MM-JJ.' }),
    places: t.stringList({ description: 'Codes INSEE des communes des faits.' }),
    natinfCodes: t.stringList({ description: 'Codes NATINF des infractions.' }),
    persons: t.field({ type: [PersonInput], description: 'Mis en cause, victimes, témoins.' }),
    externalReference: t.string({ description: 'Référence interne de l’administration.' }),
    urgent: t.boolean({ description: 'Signalement urgent (permanence du parquet alertée).' }),
    urgencyReason: t.field({ type: UrgencyReasonEnum, description: 'Motif d’urgence, obligatoire si urgent.' }),
    urgencyDetail: t.string({ description: 'Précision sur l’urgence, obligatoire pour le motif OTHER.' }),
  }),
});

export const DecisionInput = builder.inputType('DecisionInput', {
  description: 'Décision du procureur.',
  fields: (t) => ({
    kind: t.field({ type: DecisionKindEnum, required: true, description: 'Nature de la décision.' }),
    dismissalReasonCode: t.string({ description: 'Code du motif de classement (obligatoire pour DISMISSAL).' }),
    reasons: t.string({ required: true, description: 'Motivation écrite, communiquée à l’administration (art. 40-2).' }),
  }),
});

builder.prismaObject('DismissalReason', {
  description: 'Motif de classement sans suite (table paramétrable).',
  fields: (t) => ({
    code: t.exposeString('code', { description: 'Code du motif (ex. 21).' }),
    label: t.exposeString('label', { description: 'Libellé.' }),
  }),
});

const DecisionRef = builder.prismaObject('Decision', {
  description: 'Décision du procureur et ses raisons (art. 40-1 et 40-2).',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Identifiant de la décision.' }),
    kind: t.expose('kind', { type: DecisionKindEnum, description: 'Nature de la décision.' }),
    dismissalReason: t.relation('dismissalReason', { nullable: true, description: 'Motif de classement, pour un classement sans suite.' }),
    reasons: t.exposeString('reasons', { description: 'Motivation écrite.' }),
    decidedAt: t.expose('decidedAt', { type: 'DateTime', description: 'Date de la décision.' }),
    author: t.relation('author', { description: 'Magistrat auteur de la décision.' }),
    avisUrl: t.string({
      description:
        'Chemin relatif de l’avis de décision (PDF, art. 40-2), à télécharger avec la même authentification. Pour une décision remplacée depuis par une réouverture, le chemin désigne cette décision (`?decision=`).',
      select: {
        id: true,
        signalementId: true,
        signalement: { select: { status: true, decisions: { orderBy: { decidedAt: 'desc' }, take: 1, select: { id: true } } } },
      },
      resolve: (decision) => {
        const inForce =
          (decision.signalement.status === 'DECIDED' || decision.signalement.status === 'CLOSED') &&
          decision.signalement.decisions[0]?.id === decision.id;
        return avisDeDecisionPath(decision.signalementId, inForce ? undefined : decision.id);
      },
    }),
    avisAvailableAt: t.expose('decidedAt', {
      type: 'DateTime',
      description: 'Remise de l’avis à l’administration : l’instant de la décision, dès lequel elle peut le télécharger.',
    }),
    avisReadAt: t.expose('avisReadAt', {
      type: 'DateTime',
      nullable: true,
      description: 'Première lecture de l’avis par l’administration (premier téléchargement par l’un de ses membres) ; nulle tant qu’il n’a pas été lu.',
    }),
    avisReadBy: t.relation('avisReadBy', {
      nullable: true,
      description: 'Le membre de l’administration qui a lu l’avis le premier.',
    }),
  }),
});

builder.prismaObject('StatusChange', {
  name: 'HistoryEntry',
  description: 'Étape de l’historique d’un signalement : qui, quand, de quel statut vers lequel, pourquoi.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Identifiant de l’étape.' }),
    action: t.exposeString('action', { description: 'Opération (create, transmit, register…).' }),
    fromStatus: t.expose('fromStatus', { type: SignalementStatusEnum, nullable: true, description: 'Statut de départ (nul à la création).' }),
    toStatus: t.expose('toStatus', { type: SignalementStatusEnum, description: 'Statut d’arrivée.' }),
    actor: t.relation('actor', { description: 'Auteur.' }),
    organization: t.field({
      type: OrganizationRef,
      description: 'Organisation de l’auteur.',
      select: (_args, _ctx, nested) => ({ actor: { select: { organization: nested(true) } } }),
      resolve: (entry) => entry.actor.organization,
    }),
    at: t.expose('at', { type: 'DateTime', description: 'Date et heure.' }),
    comment: t.exposeString('comment', { nullable: true, description: 'Commentaire (motif de retrait, de transfert, de réouverture…).' }),
  }),
});

builder.prismaObject('Message', {
  description: 'Demande de renseignements, réponse, ou note interne du parquet.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Identifiant du message.' }),
    kind: t.expose('kind', { type: MessageKindEnum, description: 'Nature du message.' }),
    body: t.exposeString('body', { description: 'Texte.' }),
    author: t.relation('author', { description: 'Auteur.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'Date et heure.' }),
  }),
});

export const SignalementRef = builder.prismaNode('Signalement', {
  description: 'Signalement de l’article 40 du code de procédure pénale.',
  id: { field: 'id' },
  nullable: true,
  // Sélection explicite : une page ne lit que les colonnes que ses champs demandent, pas l'exposé
  // des faits, les personnes ni les listes de chaque ligne (bench/layers.ts). Les organisations du
  // signalement sont toujours lues : une consultation les consigne au journal (recordView).
  select: { id: true, administrationId: true, parquetId: true },
  // Toute lecture par identifiant reste dans le périmètre du demandeur.
  findUnique: (id, context) => ({ id, AND: [context.viewer ? visibleWhere(context.viewer) : { id: { in: [] } }] }),
  fields: (t) => ({
    reference: t.exposeString('reference', { nullable: true, description: 'Référence IP-AAAA-PARQUET-NNNNNN, attribuée à la transmission (nulle pour un brouillon).' }),
    status: t.expose('status', { type: SignalementStatusEnum, description: 'Statut.' }),
    urgent: t.exposeBoolean('urgent', { description: 'Urgent.' }),
    urgencyReason: t.expose('urgencyReason', { type: UrgencyReasonEnum, nullable: true, description: 'Motif d’urgence.' }),
    urgencyDetail: t.exposeString('urgencyDetail', { nullable: true, description: 'Précision sur l’urgence.' }),
    title: t.exposeString('title', { description: 'Titre.' }),
    facts: t.exposeString('facts', { description: 'Exposé des faits.' }),
    factsDate: t.exposeString('factsDate', { description: 'Date ou période des faits, en clair.' }),
    factsFrom: t.expose('factsFrom', { type: 'Date', nullable: true, description: 'Début de la période des faits.' }),
    factsTo: t.expose('factsTo', { type: 'Date', nullable: true, description: 'Fin de la période des faits.' }),
    places: t.exposeStringList('places', { description: 'Codes INSEE des communes des faits.' }),
    natinfCodes: t.exposeStringList('natinfCodes', { description: 'Codes NATINF.' }),
    persons: t.field({
      type: [PersonRef],
      description: 'Personnes concernées.',
      select: { persons: true },
      resolve: (signalement) => signalement.persons as unknown as PersonData[],
    }),
    externalReference: t.exposeString('externalReference', { nullable: true, description: 'Référence interne de l’administration.' }),
    administration: t.relation('administration', { description: 'Administration auteure.' }),
    parquet: t.relation('parquet', { nullable: true, description: 'Parquet destinataire.' }),
    createdBy: t.relation('createdBy', { description: 'Agent qui a créé le signalement.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'Création du brouillon.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'Dernière modification.' }),
    transmittedAt: t.expose('transmittedAt', { type: 'DateTime', nullable: true, description: 'Transmission au parquet, à la milliseconde.' }),
    contentHash: t.exposeString('contentHash', { nullable: true, description: 'Empreinte SHA-256 du contenu figé à la transmission.' }),
    proofOfDepositUrl: t.string({
      nullable: true,
      description:
        'Chemin relatif de l’accusé de réception (PDF), à télécharger avec la même authentification ; nul tant que le signalement est un brouillon.',
      select: { id: true, status: true },
      resolve: (signalement) => (signalement.status === 'DRAFT' ? null : proofOfDepositPath(signalement.id)),
    }),
    parquetNumber: t.exposeString('parquetNumber', { nullable: true, description: 'Numéro parquet (logiciel du parquet), saisi à l’enregistrement.' }),
    registeredAt: t.expose('registeredAt', { type: 'DateTime', nullable: true, description: 'Enregistrement par le parquet.' }),
    withdrawalReason: t.exposeString('withdrawalReason', { nullable: true, description: 'Motif du retrait.' }),
    version: t.exposeInt('version', { description: 'Version, incrémentée à chaque écriture.' }),
    assignee: t.relation('assignee', {
      nullable: true,
      description: 'Membre du parquet à qui le signalement est attribué (interne au parquet).',
      authScopes: { anyRole: ROLES_FOR.assign },
    }),
    decision: t.field({
      type: DecisionRef,
      nullable: true,
      description: 'Décision en vigueur : nulle avant la décision et après une réouverture.',
      select: (_args, _context, nested) => ({
        status: true,
        decisions: nested({ orderBy: { decidedAt: 'desc' }, take: 1 }),
      }),
      resolve: (signalement) =>
        signalement.status === 'DECIDED' || signalement.status === 'CLOSED' ? (signalement.decisions[0] ?? null) : null,
    }),
    decisions: t.relation('decisions', {
      description: 'Toutes les décisions, de la plus ancienne à la plus récente.',
      query: { orderBy: { decidedAt: 'asc' } },
    }),
    history: t.relation('statusChanges', {
      description: 'Historique complet, du plus ancien au plus récent.',
      query: { orderBy: { at: 'asc' } },
    }),
    messages: t.relation('messages', {
      description: 'Demandes de renseignements et réponses ; les notes internes du parquet ne sont visibles que du parquet.',
      query: (_args, context) => ({
        where: context.viewer && isParquetStaff(context.viewer) ? {} : { kind: { not: 'INTERNAL_NOTE' } },
        orderBy: { createdAt: 'asc' },
      }),
    }),
    availableActions: t.field({
      type: [WorkflowActionEnum],
      description: 'Les opérations que le demandeur peut faire maintenant sur ce signalement.',
      select: { status: true },
      resolve: (signalement, _args, context) => {
        const viewer = context.viewer;
        if (!viewer) return [];
        return (Object.keys(TRANSITIONS) as WorkflowAction[]).filter(
          (action) => roleAllows(viewer.role, action) && canTransition(action, signalement.status),
        );
      },
    }),
  }),
});

import { randomUUID } from 'node:crypto';
import { Prisma, type PrismaClient, type Signalement, type SignalementStatus } from '@infoparquet/db';
import type { SignalementInputData } from '@infoparquet/validation';
import { BadUserInputError, ConflictError, NotFoundError } from '../../errors.js';
import { appendAuditEvent } from '../audit/chain.js';
import type { Viewer } from '../auth/sessions.js';
import { contentHash, frozenContent } from './content-hash.js';
import { visibleWhere } from './permissions.js';
import { issueReference } from './reference.js';
import { assertTransition, type WorkflowAction } from './transitions.js';

type Tx = Prisma.TransactionClient;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Charge un signalement dans le périmètre du demandeur ; hors périmètre ou inexistant, même réponse. */
export function findVisibleSignalement(prisma: PrismaClient | Tx, viewer: Viewer, id: string): Promise<Signalement> {
  return visibleOrNotFound(viewer, id, (where) => prisma.signalement.findFirst({ where }));
}

/** Les codes des deux organisations d'un signalement, que la transmission fige dans son empreinte. */
const ORGANIZATION_CODES = { administration: { select: { code: true } }, parquet: { select: { id: true, code: true } } } satisfies Prisma.SignalementInclude;
export type SignalementWithCodes = Prisma.SignalementGetPayload<{ include: typeof ORGANIZATION_CODES }>;

/** Comme findVisibleSignalement, avec les codes de ses organisations, dans la même requête. */
export function findVisibleWithCodes(prisma: PrismaClient | Tx, viewer: Viewer, id: string): Promise<SignalementWithCodes> {
  return visibleOrNotFound(viewer, id, (where) => prisma.signalement.findFirst({ where, include: ORGANIZATION_CODES }));
}

/** La lecture `find` du signalement `id` dans le périmètre du demandeur, ou NOT_FOUND (mal formé, inconnu ou hors périmètre). */
async function visibleOrNotFound<Row>(viewer: Viewer, id: string, find: (where: Prisma.SignalementWhereInput) => Promise<Row | null>): Promise<Row> {
  const signalement = UUID.test(id) ? await find({ AND: [{ id }, visibleWhere(viewer)] }) : null;
  if (!signalement) throw new NotFoundError();
  return signalement;
}

/** Le parquet destinataire désigné par son code, ou BAD_USER_INPUT sur le champ donné. */
export async function findParquetByCode(prisma: PrismaClient | Tx, code: string, field = 'parquetCode') {
  const parquet = await prisma.organization.findFirst({ where: { code, kind: 'PARQUET' }, select: { id: true, code: true, name: true } });
  if (!parquet) throw new BadUserInputError([{ field, message: `Parquet inconnu : ${code}.` }]);
  return parquet;
}

function contentData(input: SignalementInputData) {
  return {
    title: input.title,
    facts: input.facts,
    factsDate: input.factsDate,
    factsFrom: input.factsFrom ? new Date(`${input.factsFrom}T00:00:00Z`) : null,
    factsTo: input.factsTo ? new Date(`${input.factsTo}T00:00:00Z`) : null,
    places: input.places,
    natinfCodes: input.natinfCodes,
    persons: input.persons as Prisma.InputJsonValue,
    externalReference: input.externalReference,
    urgent: input.urgent,
    urgencyReason: input.urgencyReason,
    urgencyDetail: input.urgencyDetail,
  };
}

/** Qui agit, tel que l'historique et le journal le retiennent : l'utilisateur, son organisation, le jeton d'API s'il y en a un. */
function actorOf(viewer: Viewer) {
  return { actorId: viewer.userId, organizationId: viewer.organizationId, apiTokenId: viewer.apiToken?.id };
}

function auditScope(signalement: Pick<Signalement, 'id' | 'administrationId' | 'parquetId'>) {
  return {
    targetType: 'Signalement',
    targetId: signalement.id,
    signalementId: signalement.id,
    administrationId: signalement.administrationId,
    parquetId: signalement.parquetId,
  };
}

/** La sélection d'une requête GraphQL sur un signalement (Pothos, le type est en sélection explicite). */
type SignalementQuery = { select?: Record<string, unknown> };

const SCALAR_FIELDS = new Set<string>(Object.values(Prisma.SignalementScalarFieldEnum));

/**
 * Ce que l'écriture d'un signalement rend pour la réponse GraphQL : la sélection elle-même quand
 * elle ne demande que des champs du signalement (`INSERT`/`UPDATE … RETURNING`, pas de relecture) ;
 * sinon l'identifiant seul, et `reread` relit la sélection en fin de transaction, après toutes ses
 * écritures (l'historique qu'elle vient d'ajouter, par exemple).
 */
function returning(query: SignalementQuery) {
  const scalarOnly = Object.keys(query.select ?? {}).every((field) => SCALAR_FIELDS.has(field));
  return {
    written: scalarOnly ? query : { select: { id: true } },
    reread: async <Row>(tx: Tx, id: string, written: Row) => (scalarOnly ? written : tx.signalement.findUniqueOrThrow({ ...query, where: { id } })),
  };
}

/** Crée le brouillon et le rend avec la sélection `query` de la requête GraphQL (voir `returning`). */
export async function createDraft(prisma: PrismaClient, viewer: Viewer, input: SignalementInputData, query: SignalementQuery) {
  const parquet = input.parquetCode ? await findParquetByCode(prisma, input.parquetCode) : null;
  const { written, reread } = returning(query);
  return prisma.$transaction(async (tx) => {
    const scope = { id: randomUUID(), administrationId: viewer.organizationId, parquetId: parquet?.id ?? null };
    const created = await tx.signalement.create({
      ...written,
      data: { ...contentData(input), ...scope, createdById: viewer.userId },
    });
    await appendAuditEvent(
      tx,
      {
        ...actorOf(viewer),
        action: 'SIGNALEMENT_CREATED',
        ...auditScope(scope),
        // Un brouillon n'est pas encore adressé : le parquet ne le voit pas.
        parquetId: null,
        after: { status: 'DRAFT', ...contentData(input), parquetCode: parquet?.code ?? null },
      },
      historyStep(viewer, scope.id, null, 'create', 'DRAFT', null),
    );
    return reread(tx, scope.id, created);
  });
}

export async function updateDraft(prisma: PrismaClient, viewer: Viewer, current: Signalement, input: SignalementInputData): Promise<void> {
  assertTransition('update', current.status);
  const parquet = input.parquetCode ? await findParquetByCode(prisma, input.parquetCode) : null;
  await prisma.$transaction(async (tx) => {
    const data = { ...contentData(input), parquetId: parquet?.id ?? null };
    await guardedUpdate(tx, current, data);
    await appendAuditEvent(tx, {
      ...actorOf(viewer),
      action: 'SIGNALEMENT_UPDATED',
      ...auditScope(current),
      parquetId: null,
      before: { ...snapshot(current) },
      after: { ...data, status: 'DRAFT' },
    });
  });
}

/**
 * Supprime un brouillon et, par cascade, ses pièces ; renvoie les clés de stockage de leurs
 * fichiers, que l'appelant efface après le commit (jamais une ligne sans son fichier).
 */
export async function deleteDraft(prisma: PrismaClient, viewer: Viewer, current: Signalement): Promise<string[]> {
  assertTransition('delete', current.status);
  return prisma.$transaction(async (tx) => {
    const pieces = await tx.piece.findMany({ where: { signalementId: current.id }, select: { storageKey: true } });
    const { count } = await tx.signalement.deleteMany({ where: { id: current.id, version: current.version, status: 'DRAFT' } });
    if (count === 0) throw new ConflictError();
    await appendAuditEvent(tx, {
      ...actorOf(viewer),
      action: 'SIGNALEMENT_DELETED',
      ...auditScope(current),
      parquetId: null,
      before: snapshot(current),
    });
    return pieces.map((piece) => piece.storageKey);
  });
}

/**
 * Transmission : dans une seule transaction, le numéro de référence est pris, le contenu figé et
 * haché, le statut passe à TRANSMITTED et le journal le consigne. Si quoi que ce soit échoue,
 * rien n'est écrit et le numéro n'est pas consommé. Rend le signalement transmis avec la sélection
 * `query` de la requête GraphQL (voir `returning`).
 */
export async function transmit(prisma: PrismaClient, viewer: Viewer, current: SignalementWithCodes, query: SignalementQuery) {
  assertTransition('transmit', current.status);
  const { parquet, administration } = current;
  if (!parquet) {
    throw new BadUserInputError([{ field: 'parquetCode', message: 'Parquet destinataire : à choisir avant la transmission.' }]);
  }
  const { written, reread } = returning(query);
  return prisma.$transaction(async (tx) => {
    const transmittedAt = new Date();
    const reference = await issueReference(tx, parquet, transmittedAt);
    const hash = contentHash(
      frozenContent(current, { reference, transmittedAt, administrationCode: administration.code, parquetCode: parquet.code }),
    );
    const transmitted = await tx.signalement
      .update({
        ...written,
        where: { id: current.id, version: current.version, status: current.status },
        data: { status: 'TRANSMITTED', reference, contentHash: hash, transmittedAt, version: { increment: 1 } },
      })
      .catch(conflictIfChanged);
    await appendAuditEvent(
      tx,
      {
        ...actorOf(viewer),
        action: 'SIGNALEMENT_TRANSMITTED',
        ...auditScope(current),
        before: { status: current.status },
        after: { status: 'TRANSMITTED', reference, contentHash: hash, transmittedAt, urgent: current.urgent },
      },
      historyStep(viewer, current.id, current.status, 'transmit', 'TRANSMITTED', null),
    );
    return reread(tx, current.id, transmitted);
  });
}

/** Une écriture gardée (statut et version) qui ne trouve plus sa ligne : quelqu'un l'a changée depuis la lecture. */
function conflictIfChanged(error: unknown): never {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2025') throw new ConflictError();
  throw error;
}

export interface TransitionChange {
  /** Champs écrits avec le changement de statut. */
  data?: Prisma.SignalementUncheckedUpdateManyInput;
  /** Commentaire visible dans l'historique (motif, raison du transfert…). */
  comment?: string | null;
  /** Écritures liées (décision, message) faites dans la même transaction. */
  extra?: (tx: Tx) => Promise<Record<string, unknown> | void>;
  /** Ce que l'administration ne doit pas voir (note interne). */
  internal?: boolean;
}

/** Le nom de chaque étape au journal : un fait accompli, comme SIGNALEMENT_CREATED. */
export const AUDIT_ACTIONS = {
  withdraw: 'SIGNALEMENT_WITHDRAWN',
  transfer: 'SIGNALEMENT_TRANSFERRED',
  register: 'SIGNALEMENT_REGISTERED',
  assign: 'SIGNALEMENT_ASSIGNED',
  requestInformation: 'SIGNALEMENT_INFORMATION_REQUESTED',
  answerInformationRequest: 'SIGNALEMENT_INFORMATION_ANSWERED',
  decide: 'SIGNALEMENT_DECIDED',
  reopen: 'SIGNALEMENT_REOPENED',
  close: 'SIGNALEMENT_CLOSED',
  setUrgency: 'SIGNALEMENT_URGENCY_CHANGED',
} as const satisfies Record<Exclude<WorkflowAction, 'update' | 'delete' | 'transmit'>, string>;

/**
 * Une étape du cycle de vie : vérifie la transition, écrit le nouveau statut seulement si personne
 * ne l'a changé depuis la lecture (sinon CONFLICT), ajoute l'historique, les écritures liées et
 * l'événement d'audit, le tout dans une transaction.
 */
export async function applyTransition(
  prisma: PrismaClient,
  viewer: Viewer,
  current: Signalement,
  action: Exclude<WorkflowAction, 'update' | 'delete' | 'transmit'>,
  change: TransitionChange = {},
): Promise<void> {
  const to = assertTransition(action, current.status);
  await prisma.$transaction(async (tx) => {
    const data = { ...change.data, status: to };
    await guardedUpdate(tx, current, data);
    const extra = (await change.extra?.(tx)) ?? {};
    const parquetId = (data.parquetId as string | undefined) ?? current.parquetId;
    await appendAuditEvent(
      tx,
      {
        ...actorOf(viewer),
        action: AUDIT_ACTIONS[action],
        ...auditScope({ ...current, parquetId }),
        internal: change.internal ?? false,
        // Statut et urgence avant/après : ce que lisent les files d'urgence et les écrans en direct.
        before: { status: current.status, urgent: current.urgent, ...pick(current, Object.keys(change.data ?? {}) as (keyof Signalement)[]) },
        after: { urgent: current.urgent, ...data, ...extra, ...(change.comment ? { comment: change.comment } : {}) },
      },
      historyStep(viewer, current.id, current.status, action, to, change.comment ?? null),
    );
  });
}

/** Lecture du détail : consignée comme une écriture (règle des logiciels de parquet). */
export async function recordView(prisma: PrismaClient, viewer: Viewer, signalement: Pick<Signalement, 'id' | 'administrationId' | 'parquetId'>): Promise<void> {
  await appendAuditEvent(prisma, {
    ...actorOf(viewer),
    action: 'SIGNALEMENT_VIEWED',
    ...auditScope(signalement),
    internal: true,
  });
}

/** Écrit seulement si le signalement est encore dans l'état lu (statut et version) : jamais d'écrasement silencieux. */
async function guardedUpdate(tx: Tx, current: Signalement, data: Prisma.SignalementUncheckedUpdateManyInput): Promise<void> {
  const { count } = await tx.signalement.updateMany({
    where: { id: current.id, version: current.version, status: current.status },
    data: { ...data, version: { increment: 1 } },
  });
  if (count === 0) throw new ConflictError();
}

/**
 * L'étape d'historique d'une écriture (qui, quand, de quel statut à quel autre), en SQL : elle part
 * avec l'événement du journal, dans la même instruction (`appendAuditEvent`, `alongside`).
 */
function historyStep(viewer: Viewer, signalementId: string, from: SignalementStatus | null, action: WorkflowAction | 'create', to: SignalementStatus, comment: string | null) {
  const actor = actorOf(viewer);
  return Prisma.sql`
    INSERT INTO status_change (id, signalement_id, from_status, to_status, action, actor_id, organization_id, api_token_id, comment, at)
    VALUES (${randomUUID()}::uuid, ${signalementId}::uuid, ${from}::"SignalementStatus", ${to}::"SignalementStatus", ${action},
            ${actor.actorId}::uuid, ${actor.organizationId}::uuid, ${actor.apiTokenId ?? null}::uuid, ${comment}, ${new Date()})`;
}

function snapshot(signalement: Signalement) {
  const { createdAt: _createdAt, updatedAt: _updatedAt, ...rest } = signalement;
  return rest as Record<string, unknown>;
}

function pick(signalement: Signalement, keys: (keyof Signalement)[]) {
  return Object.fromEntries(keys.filter((key) => key in signalement).map((key) => [key, signalement[key]]));
}

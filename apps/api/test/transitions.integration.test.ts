import type { SignalementStatus } from '@infoparquet/db';
import { describe, expect, it } from 'vitest';
import { applyTransition, findVisibleWithCodes, transmit } from '../src/domains/signalements/repository.js';
import { TRANSITIONS, type WorkflowAction } from '../src/domains/signalements/transitions.js';
import { ConflictError } from '../src/errors.js';
import { createDraft, createWorld, errorCode, setupIntegration, signalementInput, transmitDraft, uuidOf, type Actor, type World } from './helpers.js';

const t = setupIntegration();

const userGlobalId = (id: string) => Buffer.from(`User:${id}`).toString('base64');

/** Chaque opération : qui la tente (un rôle qui en a le droit) et la requête qui la fait. */
function attempt(w: World, action: WorkflowAction, id: string): { actor: Actor; query: string; variables: Record<string, unknown> } {
  switch (action) {
    case 'update':
      return { actor: w.agent, query: `mutation($id: ID!) { updateSignalement(id: $id, input: { title: "T", facts: "F", factsDate: "D" }) { id } }`, variables: { id } };
    case 'delete':
      return { actor: w.agent, query: `mutation($id: ID!) { deleteSignalement(id: $id) { id } }`, variables: { id } };
    case 'transmit':
      return { actor: w.agent, query: `mutation($id: ID!) { transmitSignalement(id: $id) { id } }`, variables: { id } };
    case 'withdraw':
      return { actor: w.manager, query: `mutation($id: ID!) { withdrawSignalement(id: $id, reason: "Doublon") { id } }`, variables: { id } };
    case 'answerInformationRequest':
      return { actor: w.agent, query: `mutation($id: ID!) { answerInformationRequest(id: $id, message: "Voici") { id } }`, variables: { id } };
    case 'transfer':
      return { actor: w.clerk, query: `mutation($id: ID!, $p: String!) { transferSignalement(id: $id, parquetCode: $p, reason: "Compétence") { id } }`, variables: { id, p: w.otherParquet.code } };
    case 'register':
      return { actor: w.clerk, query: `mutation($id: ID!) { registerSignalement(id: $id) { id } }`, variables: { id } };
    case 'assign':
      return { actor: w.clerk, query: `mutation($id: ID!, $a: ID!) { assignSignalement(id: $id, assigneeId: $a) { id } }`, variables: { id, a: userGlobalId(w.prosecutor.user.id) } };
    case 'requestInformation':
      return { actor: w.clerk, query: `mutation($id: ID!) { requestInformation(id: $id, message: "Précisez") { id } }`, variables: { id } };
    case 'close':
      return { actor: w.clerk, query: `mutation($id: ID!) { closeSignalement(id: $id) { id } }`, variables: { id } };
    case 'decide':
      return { actor: w.prosecutor, query: `mutation($id: ID!) { decideSignalement(id: $id, input: { kind: PROSECUTION, reasons: "Poursuites" }) { id } }`, variables: { id } };
    case 'reopen':
      return { actor: w.prosecutor, query: `mutation($id: ID!) { reopenSignalement(id: $id, reason: "Faits nouveaux") { id } }`, variables: { id } };
    case 'setUrgency':
      return { actor: w.prosecutor, query: `mutation($id: ID!) { setUrgency(id: $id, urgent: true, reason: DANGER_TO_PERSONS) { id } }`, variables: { id } };
  }
}

async function perform(w: World, action: WorkflowAction, id: string) {
  const { actor, query, variables } = attempt(w, action, id);
  return actor.client.gql(query, variables);
}

/** Amène un nouveau signalement au statut voulu en passant par l'API. */
async function inStatus(w: World, status: SignalementStatus): Promise<string> {
  const id = await createDraft(w.agent, w.parquet.code);
  const path: Record<SignalementStatus, WorkflowAction[]> = {
    DRAFT: [],
    TRANSMITTED: ['transmit'],
    WITHDRAWN: ['transmit', 'withdraw'],
    REGISTERED: ['transmit', 'register'],
    IN_PROGRESS: ['transmit', 'register', 'assign'],
    INFORMATION_REQUESTED: ['transmit', 'register', 'assign', 'requestInformation'],
    DECIDED: ['transmit', 'register', 'decide'],
    CLOSED: ['transmit', 'register', 'decide', 'close'],
  };
  for (const action of path[status]) {
    const result = await perform(w, action, id);
    if (result.errors) throw new Error(`${action} : ${JSON.stringify(result.errors)}`);
  }
  return id;
}

const STATUSES: SignalementStatus[] = ['DRAFT', 'TRANSMITTED', 'WITHDRAWN', 'REGISTERED', 'IN_PROGRESS', 'INFORMATION_REQUESTED', 'DECIDED', 'CLOSED'];

describe('transitions refusées', () => {
  it('toute opération hors de son statut de départ est refusée avec INVALID_TRANSITION et ne change rien', async () => {
    const w = await createWorld(t);
    const byStatus = new Map<SignalementStatus, string>();
    for (const status of STATUSES) byStatus.set(status, await inStatus(w, status));

    const refused: string[] = [];
    for (const action of Object.keys(TRANSITIONS) as WorkflowAction[]) {
      for (const status of STATUSES) {
        if ((TRANSITIONS[action].from as readonly SignalementStatus[]).includes(status)) continue;
        const id = byStatus.get(status)!;
        const result = await perform(w, action, id);
        // Un parquet ne voit pas les brouillons : pour lui, un brouillon n'existe pas.
        const expected = status === 'DRAFT' && attempt(w, action, id).actor.user.role !== 'AGENT' && attempt(w, action, id).actor.user.role !== 'MANAGER' ? 'NOT_FOUND' : 'INVALID_TRANSITION';
        expect(errorCode(result), `${action} depuis ${status}`).toBe(expected);
        refused.push(`${action}:${status}`);
      }
    }
    // 13 opérations, 8 statuts : toutes les combinaisons interdites ont été essayées.
    expect(refused.length).toBe(
      (Object.values(TRANSITIONS) as { from: readonly string[] }[]).reduce((n, tr) => n + STATUSES.length - tr.from.length, 0),
    );
    const after = await t.prisma.signalement.findMany({ select: { status: true }, orderBy: { createdAt: 'asc' } });
    expect(after.map((s) => s.status)).toEqual(STATUSES);
  });

  it('le message dit d’où l’opération est possible', async () => {
    const w = await createWorld(t);
    const id = await inStatus(w, 'CLOSED');
    const result = await perform(w, 'decide', id);
    expect(result.errors![0]).toMatchObject({
      message: 'Impossible de décider d’un signalement au statut « Clôturé » : opération possible seulement au statut « Enregistré », « En cours ».',
      extensions: { code: 'INVALID_TRANSITION', status: 'CLOSED', action: 'decide' },
    });
  });
});

describe('modifications concurrentes', () => {
  it('une écriture fondée sur un état périmé est refusée (CONFLICT), jamais écrasée', async () => {
    const w = await createWorld(t);
    const id = await inStatus(w, 'TRANSMITTED');
    const internal = Buffer.from(id, 'base64').toString().split(':')[1]!;
    const stale = await t.prisma.signalement.findUniqueOrThrow({ where: { id: internal } });
    // Quelqu'un d'autre change l'urgence entre-temps (le statut ne bouge pas, la version si).
    expect((await perform(w, 'setUrgency', id)).errors).toBeUndefined();
    const viewer = {
      userId: w.clerk.user.id,
      sessionId: 'test',
      role: 'CLERK' as const,
      organizationId: w.parquet.id,
      organizationKind: 'PARQUET' as const,
      organizationCode: w.parquet.code,
    };
    await expect(applyTransition(t.prisma, viewer, stale, 'register', { data: { parquetNumber: 'PERIME' } })).rejects.toBeInstanceOf(ConflictError);
    const row = await t.prisma.signalement.findUniqueOrThrow({ where: { id: internal } });
    expect(row).toMatchObject({ status: 'TRANSMITTED', parquetNumber: null, urgent: true });
  });

  it('une transmission fondée sur un brouillon périmé est refusée (CONFLICT) : rien d’écrit, aucun numéro pris', async () => {
    const w = await createWorld(t);
    const id = await createDraft(w.agent, w.parquet.code);
    const viewer = {
      userId: w.agent.user.id,
      sessionId: 'test',
      role: 'AGENT' as const,
      organizationId: w.administration.id,
      organizationKind: 'ADMINISTRATION' as const,
      organizationCode: w.administration.code,
    };
    const stale = await findVisibleWithCodes(t.prisma, viewer, uuidOf(id));
    // L'agent corrige son brouillon dans un autre onglet entre-temps.
    const updated = await w.agent.client.gql(`mutation($id: ID!, $input: SignalementInput!) { updateSignalement(id: $id, input: $input) { id } }`, {
      id,
      input: signalementInput(w.parquet.code, { title: 'Titre corrigé' }),
    });
    expect(updated.errors).toBeUndefined();
    await expect(transmit(t.prisma, viewer, stale, { select: { id: true } })).rejects.toBeInstanceOf(ConflictError);
    const row = await t.prisma.signalement.findUniqueOrThrow({ where: { id: uuidOf(id) } });
    expect(row).toMatchObject({ status: 'DRAFT', reference: null, title: 'Titre corrigé' });
    expect(await t.prisma.referenceCounter.count({ where: { parquetId: w.parquet.id } })).toBe(0);
    expect(await t.prisma.statusChange.count({ where: { signalementId: uuidOf(id), action: 'transmit' } })).toBe(0);
  });

  it('deux greffiers qui enregistrent en même temps : un seul y parvient, l’autre est prévenu', async () => {
    const w = await createWorld(t);
    const id = await inStatus(w, 'TRANSMITTED');
    const secondClerk = await (await import('./helpers.js')).asUser(t, w.parquet.id, 'CLERK');
    const query = `mutation($id: ID!, $n: String) { registerSignalement(id: $id, parquetNumber: $n) { parquetNumber } }`;
    const results = await Promise.all([
      w.clerk.client.gql(query, { id, n: 'NUM-A' }),
      secondClerk.client.gql(query, { id, n: 'NUM-B' }),
    ]);
    const successes = results.filter((r) => !r.errors);
    const failures = results.filter((r) => r.errors);
    expect(successes).toHaveLength(1);
    expect(['CONFLICT', 'INVALID_TRANSITION']).toContain(errorCode(failures[0]!));
    const registrations = await t.prisma.statusChange.count({ where: { action: 'register' } });
    expect(registrations).toBe(1);
  });
});

describe('brouillons', () => {
  it('un brouillon se modifie et se supprime ; la suppression renvoie son dernier état', async () => {
    const w = await createWorld(t);
    const id = await createDraft(w.agent, w.parquet.code);
    const updated = await w.agent.client.gql(
      `mutation($id: ID!) { updateSignalement(id: $id, input: { title: "Nouveau titre", facts: "F", factsDate: "D", parquetCode: "${w.otherParquet.code}" }) { title parquet { code } version } }`,
      { id },
    );
    expect(updated.data!.updateSignalement).toEqual({ title: 'Nouveau titre', parquet: { code: w.otherParquet.code }, version: 1 });
    const deleted = await w.agent.client.gql(`mutation($id: ID!) { deleteSignalement(id: $id) { title status } }`, { id });
    expect(deleted.data!.deleteSignalement).toEqual({ title: 'Nouveau titre', status: 'DRAFT' });
    expect(errorCode(await w.agent.client.gql(`query($id: ID!) { signalement(id: $id) { id } }`, { id }))).toBe('NOT_FOUND');
  });

  it('un signalement transmis ne se supprime pas', async () => {
    const w = await createWorld(t);
    const id = await createDraft(w.agent, w.parquet.code);
    await transmitDraft(w.agent, id);
    expect(errorCode(await perform(w, 'delete', id))).toBe('INVALID_TRANSITION');
  });
});

import { describe, expect, it } from 'vitest';
import {
  createDraft,
  createWorld,
  errorCode,
  setupIntegration,
  SIGNALEMENT_FIELDS,
  transmitDraft,
  type Actor,
} from './helpers.js';

const t = setupIntegration();

async function run(actor: Actor, mutation: string, variables: Record<string, unknown>) {
  const result = await actor.client.gql(mutation, variables);
  return result;
}

const M = {
  transmit: `mutation($id: ID!) { transmitSignalement(id: $id) { ${SIGNALEMENT_FIELDS} } }`,
  register: `mutation($id: ID!, $n: String) { registerSignalement(id: $id, parquetNumber: $n) { ${SIGNALEMENT_FIELDS} } }`,
  assign: `mutation($id: ID!, $a: ID!, $note: String) { assignSignalement(id: $id, assigneeId: $a, note: $note) { ${SIGNALEMENT_FIELDS} } }`,
  request: `mutation($id: ID!, $m: String!) { requestInformation(id: $id, message: $m) { ${SIGNALEMENT_FIELDS} messages { kind body } } }`,
  answer: `mutation($id: ID!, $m: String!) { answerInformationRequest(id: $id, message: $m) { ${SIGNALEMENT_FIELDS} messages { kind body } } }`,
  decide: `mutation($id: ID!, $input: DecisionInput!) { decideSignalement(id: $id, input: $input) { ${SIGNALEMENT_FIELDS} } }`,
  reopen: `mutation($id: ID!, $r: String!) { reopenSignalement(id: $id, reason: $r) { ${SIGNALEMENT_FIELDS} } }`,
  close: `mutation($id: ID!) { closeSignalement(id: $id) { ${SIGNALEMENT_FIELDS} } }`,
  withdraw: `mutation($id: ID!, $r: String!) { withdrawSignalement(id: $id, reason: $r) { ${SIGNALEMENT_FIELDS} } }`,
  transfer: `mutation($id: ID!, $p: String!, $r: String!) { transferSignalement(id: $id, parquetCode: $p, reason: $r) { ${SIGNALEMENT_FIELDS} } }`,
};

describe('cycle de vie complet', () => {
  it('de la création à la clôture, avec demande de renseignements, classement motivé, réouverture', async () => {
    const w = await createWorld(t);
    const id = await createDraft(w.agent, w.parquet.code);

    const transmitted = await run(w.agent, M.transmit, { id });
    const s1 = transmitted.data!.transmitSignalement;
    expect(s1.status).toBe('TRANSMITTED');
    expect(s1.reference).toMatch(new RegExp(`^IP-\\d{4}-${w.parquet.code}-000001$`));
    expect(s1.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(s1.transmittedAt).not.toBeNull();

    const registered = await run(w.clerk, M.register, { id, n: '26072000001' });
    expect(registered.data!.registerSignalement).toMatchObject({ status: 'REGISTERED', parquetNumber: '26072000001' });

    const prosecutorGlobalId = Buffer.from(`User:${w.prosecutor.user.id}`).toString('base64');
    const assigned = await run(w.clerk, M.assign, { id, a: prosecutorGlobalId, note: 'Enquête confiée à la brigade de recherches.' });
    expect(assigned.data!.assignSignalement.status).toBe('IN_PROGRESS');

    const requested = await run(w.prosecutor, M.request, { id, m: 'Merci de joindre le procès-verbal de constat.' });
    expect(requested.data!.requestInformation.status).toBe('INFORMATION_REQUESTED');

    const answered = await run(w.agent, M.answer, { id, m: 'Procès-verbal joint.' });
    expect(answered.data!.answerInformationRequest.status).toBe('IN_PROGRESS');
    // L'administration voit la demande et sa réponse, jamais la note interne du parquet.
    expect(answered.data!.answerInformationRequest.messages).toEqual([
      { kind: 'INFORMATION_REQUEST', body: 'Merci de joindre le procès-verbal de constat.' },
      { kind: 'INFORMATION_ANSWER', body: 'Procès-verbal joint.' },
    ]);

    const decided = await run(w.prosecutor, M.decide, {
      id,
      input: { kind: 'DISMISSAL', dismissalReasonCode: '21', reasons: 'Infraction insuffisamment caractérisée au vu des pièces.' },
    });
    expect(decided.data!.decideSignalement.decision).toEqual({
      kind: 'DISMISSAL',
      reasons: 'Infraction insuffisamment caractérisée au vu des pièces.',
      dismissalReason: { code: '21', label: 'Infraction insuffisamment caractérisée' },
    });

    // L'agent lit la décision et ses raisons (art. 40-2).
    const seenByAgent = await w.agent.client.gql(`query($id: ID!) { signalement(id: $id) { status decision { kind reasons dismissalReason { code } } } }`, { id });
    expect(seenByAgent.data!.signalement).toMatchObject({ status: 'DECIDED', decision: { kind: 'DISMISSAL', dismissalReason: { code: '21' } } });

    const reopened = await run(w.prosecutor, M.reopen, { id, r: 'Faits nouveaux signalés par l’administration.' });
    expect(reopened.data!.reopenSignalement).toMatchObject({ status: 'IN_PROGRESS', decision: null });

    await run(w.head, M.decide, { id, input: { kind: 'PROSECUTION', reasons: 'Citation directe devant le tribunal correctionnel.' } });
    const closed = await run(w.clerk, M.close, { id });
    const final = closed.data!.closeSignalement;
    expect(final.status).toBe('CLOSED');
    expect(final.decision.kind).toBe('PROSECUTION');
    expect(final.history.map((h: { action: string; toStatus: string }) => `${h.action}:${h.toStatus}`)).toEqual([
      'create:DRAFT',
      'transmit:TRANSMITTED',
      'register:REGISTERED',
      'assign:IN_PROGRESS',
      'requestInformation:INFORMATION_REQUESTED',
      'answerInformationRequest:IN_PROGRESS',
      'decide:DECIDED',
      'reopen:IN_PROGRESS',
      'decide:DECIDED',
      'close:CLOSED',
    ]);
    expect(final.history[7]).toMatchObject({ comment: 'Faits nouveaux signalés par l’administration.', organization: { code: w.parquet.code } });
  });

  it('retrait par le responsable avant enregistrement, avec son motif', async () => {
    const w = await createWorld(t);
    const id = await createDraft(w.agent, w.parquet.code);
    await transmitDraft(w.agent, id);
    const withdrawn = await run(w.manager, M.withdraw, { id, r: 'Doublon d’un signalement déjà transmis.' });
    expect(withdrawn.data!.withdrawSignalement).toMatchObject({ status: 'WITHDRAWN' });
    const registerAfter = await run(w.clerk, M.register, { id });
    expect(errorCode(registerAfter)).toBe('INVALID_TRANSITION');
  });

  it('transfert au parquet compétent : la référence reste, l’ancien parquet ne le voit plus', async () => {
    const w = await createWorld(t);
    const id = await createDraft(w.agent, w.parquet.code);
    const reference = await transmitDraft(w.agent, id);
    const transferred = await run(w.clerk, M.transfer, { id, p: w.otherParquet.code, r: 'Faits commis dans le ressort voisin.' });
    expect(transferred.data!.transferSignalement).toMatchObject({ reference, status: 'TRANSMITTED', parquet: { code: w.otherParquet.code } });
    expect(errorCode(await w.clerk.client.gql(`query($id: ID!) { signalement(id: $id) { id } }`, { id }))).toBe('NOT_FOUND');
    const seen = await w.otherClerk.client.gql(`query($id: ID!) { signalement(id: $id) { reference } }`, { id });
    expect(seen.data!.signalement.reference).toBe(reference);
  });

  it('après transmission, le contenu ne se modifie plus', async () => {
    const w = await createWorld(t);
    const id = await createDraft(w.agent, w.parquet.code);
    await transmitDraft(w.agent, id);
    const update = await w.agent.client.gql(
      `mutation($id: ID!, $input: SignalementInput!) { updateSignalement(id: $id, input: $input) { id } }`,
      { id, input: { title: 'Autre titre', facts: 'Autres faits', factsDate: 'hier' } },
    );
    expect(errorCode(update)).toBe('INVALID_TRANSITION');
    expect(update.errors![0]!.message).toBe(
      'Impossible de modifier un signalement au statut « Transmis » : opération possible seulement au statut « Brouillon ».',
    );
  });
});

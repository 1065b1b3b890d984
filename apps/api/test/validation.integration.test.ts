import { describe, expect, it } from 'vitest';
import { createDraft, createWorld, errorCode, setupIntegration, signalementInput, transmitDraft } from './helpers.js';

const t = setupIntegration();

const CREATE = `mutation($input: SignalementInput!) { createSignalement(input: $input) { id } }`;

describe('saisies invalides', () => {
  it('chaque champ fautif est nommé, avec un message en français, et rien n’est écrit', async () => {
    const w = await createWorld(t);
    const result = await w.agent.client.gql(CREATE, {
      input: {
        ...signalementInput(w.parquet.code),
        title: '   ',
        places: ['77288', '123'],
        natinfCodes: ['abc'],
        persons: [
          { kind: 'LEGAL', role: 'SUSPECT', legalName: 'ACME', siren: '123456789' },
          { kind: 'NATURAL', role: 'VICTIM' },
        ],
        urgent: true,
        urgencyReason: 'OTHER',
      },
    });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0]!.extensions!.fields).toEqual([
      { field: 'input.title', message: 'Titre : champ obligatoire.' },
      { field: 'input.places.1', message: 'Code INSEE de commune invalide (5 caractères, ex. 77288 ou 2A004).' },
      { field: 'input.natinfCodes.0', message: 'Code NATINF invalide (de 1 à 6 chiffres, ex. 7111).' },
      { field: 'input.persons.0.siren', message: 'Numéro SIREN invalide (9 chiffres avec une clé de contrôle correcte).' },
      { field: 'input.persons.1.lastName', message: 'Nom : obligatoire pour une personne physique.' },
      { field: 'input.urgencyDetail', message: 'Précision sur l’urgence : obligatoire pour le motif « Autre ».' },
    ]);
    expect(await t.prisma.signalement.count()).toBe(0);
  });

  it('un parquet inconnu est refusé sur le champ parquetCode', async () => {
    const w = await createWorld(t);
    const result = await w.agent.client.gql(CREATE, { input: signalementInput('INCONNU') });
    expect(result.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'parquetCode', message: 'Parquet inconnu : INCONNU.' }] });
  });

  it('un brouillon sans parquet destinataire ne se transmet pas', async () => {
    const w = await createWorld(t);
    const id = await createDraft(w.agent, null);
    const result = await w.agent.client.gql(`mutation($id: ID!) { transmitSignalement(id: $id) { reference } }`, { id });
    expect(result.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'parquetCode' }] });
    expect((await t.prisma.signalement.findFirstOrThrow()).status).toBe('DRAFT');
  });

  it('un classement sans suite exige un motif connu et des raisons écrites', async () => {
    const w = await createWorld(t);
    const id = await createDraft(w.agent, w.parquet.code);
    await transmitDraft(w.agent, id);
    await w.clerk.client.gql(`mutation($id: ID!) { registerSignalement(id: $id) { id } }`, { id });
    const decide = `mutation($id: ID!, $input: DecisionInput!) { decideSignalement(id: $id, input: $input) { status } }`;
    const noMotif = await w.prosecutor.client.gql(decide, { id, input: { kind: 'DISMISSAL', reasons: ' ' } });
    expect(noMotif.errors![0]!.extensions!.fields).toEqual([
      { field: 'input.reasons', message: 'Motivation : champ obligatoire.' },
      { field: 'input.dismissalReasonCode', message: 'Motif de classement : obligatoire pour un classement sans suite.' },
    ]);
    const unknownMotif = await w.prosecutor.client.gql(decide, { id, input: { kind: 'DISMISSAL', dismissalReasonCode: '99', reasons: 'Motivé.' } });
    expect(unknownMotif.errors![0]!.extensions!.fields).toEqual([{ field: 'input.dismissalReasonCode', message: 'Motif de classement inconnu : 99.' }]);
    expect((await t.prisma.signalement.findFirstOrThrow()).status).toBe('REGISTERED');
  });

  it('la pagination exige une taille de 1 à 100 et un curseur lisible', async () => {
    const w = await createWorld(t);
    for (const first of [0, 101]) {
      const result = await w.agent.client.gql(`query($first: Int!) { signalements(first: $first) { totalCount } }`, { first });
      expect(result.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'first', message: 'Taille de page : entre 1 et 100.' }] });
    }
    const badCursor = await w.agent.client.gql(`{ signalements(first: 10, after: "n'importe quoi") { totalCount } }`);
    expect(errorCode(badCursor)).toBe('BAD_USER_INPUT');
    const missingFirst = await w.agent.client.gql(`{ signalements { totalCount } }`);
    expect(missingFirst.errors![0]!.message).toMatch(/first/);
  });

  it('une référence mal formée est signalée comme telle', async () => {
    const w = await createWorld(t);
    const result = await w.agent.client.gql(`{ signalementByReference(reference: "ABC") { id } }`);
    expect(result.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'reference' }] });
  });

  it('un identifiant global dont l’identifiant interne n’est pas un uuid : introuvable, comme un inconnu (trouvé par le fuzz)', async () => {
    const w = await createWorld(t);
    const notUuid = Buffer.from('Signalement:1').toString('base64');
    const unknown = Buffer.from('Signalement:00000000-0000-4000-8000-000000000000').toString('base64');
    const query = `query($id: ID!) { signalement(id: $id) { id } }`;
    const answer = await w.agent.client.gql(query, { id: notUuid });
    expect(errorCode(answer)).toBe('NOT_FOUND');
    expect(answer.errors).toEqual((await w.agent.client.gql(query, { id: unknown })).errors);
    const mutation = await w.agent.client.gql(`mutation($id: ID!) { transmitSignalement(id: $id) { id } }`, { id: notUuid });
    expect(errorCode(mutation)).toBe('NOT_FOUND');
  });

  it('un corps de requête illisible reçoit une erreur 400, et le serveur continue de répondre', async () => {
    const response = await t.app.fetch('http://infoparquet.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": ',
    });
    expect(response.status).toBe(400);
    const w = await createWorld(t);
    expect(errorCode(await w.agent.client.gql(`{ me { role } }`))).toBeUndefined();
  });
});

describe('liste des signalements', () => {
  it('filtre par statut, urgence et texte, et pagine sans doublon ni oubli', async () => {
    const w = await createWorld(t);
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      ids.push(await createDraft(w.agent, w.parquet.code, { title: i % 2 === 0 ? `Pollution n°${i}` : `Fraude n°${i}`, urgent: i === 4, urgencyReason: i === 4 ? 'DANGER_TO_PERSONS' : null }));
    }
    await transmitDraft(w.agent, ids[4]!);
    const list = `query($first: Int!, $after: String, $filter: SignalementFilter) { signalements(first: $first, after: $after, filter: $filter) { totalCount edges { node { title } } pageInfo { hasNextPage endCursor } } }`;
    const pollution = await w.agent.client.gql(list, { first: 10, filter: { search: 'pollution' } });
    expect(pollution.data!.signalements.edges.map((e: { node: { title: string } }) => e.node.title)).toEqual(['Pollution n°4', 'Pollution n°2', 'Pollution n°0']);
    const urgent = await w.agent.client.gql(list, { first: 10, filter: { urgent: true, status: ['TRANSMITTED'] } });
    expect(urgent.data!.signalements.totalCount).toBe(1);

    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: any = await w.agent.client.gql(list, { first: 2, after });
      seen.push(...page.data.signalements.edges.map((e: { node: { title: string } }) => e.node.title));
      after = page.data.signalements.pageInfo.hasNextPage ? page.data.signalements.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toEqual(['Pollution n°4', 'Fraude n°3', 'Pollution n°2', 'Fraude n°1', 'Pollution n°0']);
  });
});

import { randomUUID } from 'node:crypto';
import type { Role, SignalementStatus } from '@infoparquet/db';
import { describe, expect, it } from 'vitest';
import { ROLES_FOR } from '../src/domains/signalements/permissions.js';
import {
  createDraft,
  createWorld,
  errorCode,
  setupIntegration,
  signalementInput,
  transmitDraft,
  type Actor,
  type GraphQLResponse,
  type TestClient,
  type World,
} from './helpers.js';

/**
 * Qui peut faire quoi, et sur quoi. Pour chaque opération GraphQL, dans l'ordre : sans jeton,
 * avec un jeton invalide, chaque rôle refusé, puis chaque rôle autorisé sur un signalement au
 * statut que l'opération demande. Ensuite le cloisonnement entre organisations, les données
 * internes du parquet et l'opérateur de la plateforme.
 */
const t = setupIntegration();

// ——— Le tableau attendu ———

/**
 * Recopié de DOMAIN.md, pas importé : c'est lui qui donne les attentes, si bien qu'une erreur dans
 * ROLES_FOR fait échouer les tests d'opération. Le premier test vérifie que les deux concordent.
 */
const EXPECTED_ROLES = {
  read: ['AGENT', 'MANAGER', 'READER', 'CLERK', 'PROSECUTOR', 'HEAD'],
  create: ['AGENT', 'MANAGER'],
  update: ['AGENT', 'MANAGER'],
  delete: ['AGENT', 'MANAGER'],
  transmit: ['AGENT', 'MANAGER'],
  withdraw: ['MANAGER'],
  answerInformationRequest: ['AGENT', 'MANAGER'],
  transfer: ['CLERK', 'PROSECUTOR', 'HEAD'],
  register: ['CLERK', 'PROSECUTOR', 'HEAD'],
  assign: ['CLERK', 'PROSECUTOR', 'HEAD'],
  requestInformation: ['CLERK', 'PROSECUTOR', 'HEAD'],
  close: ['CLERK', 'PROSECUTOR', 'HEAD'],
  decide: ['PROSECUTOR', 'HEAD'],
  reopen: ['PROSECUTOR', 'HEAD'],
  setUrgency: ['PROSECUTOR', 'HEAD'],
} as const satisfies Record<string, readonly Role[]>;

const ALL_ROLES: readonly Role[] = ['AGENT', 'MANAGER', 'READER', 'CLERK', 'PROSECUTOR', 'HEAD', 'PLATFORM_ADMIN'];
/** La file d'urgence est l'écran du parquet (magistrat de permanence, bureau d'ordre). */
const PARQUET_STAFF: readonly Role[] = ['CLERK', 'PROSECUTOR', 'HEAD'];

/** L'utilisateur de chaque rôle dans le monde de test (administration et parquet « principaux »). */
const ACTOR_OF_ROLE: Record<Role, (w: World) => Actor> = {
  AGENT: (w) => w.agent,
  MANAGER: (w) => w.manager,
  READER: (w) => w.reader,
  CLERK: (w) => w.clerk,
  PROSECUTOR: (w) => w.prosecutor,
  HEAD: (w) => w.head,
  PLATFORM_ADMIN: (w) => w.platformAdmin,
};

// ——— Outils ———

const globalId = (typename: string, id: string) => Buffer.from(`${typename}:${id}`).toString('base64');
/** Un identifiant global bien formé qui ne désigne aucun signalement. */
const unknownSignalementId = () => globalId('Signalement', randomUUID());

interface Target {
  id: string;
  reference: string | null;
}

/** Exécute une opération de préparation et échoue bruyamment si elle ne passe pas. */
async function succeed(actor: Actor, document: string, variables: Record<string, unknown>) {
  const result = await actor.client.gql(document, variables);
  if (result.errors) throw new Error(`Préparation impossible : ${JSON.stringify(result.errors)}`);
  return result.data!;
}

const PREPARE = {
  register: `mutation($id: ID!) { registerSignalement(id: $id) { id } }`,
  assign: `mutation($id: ID!, $assigneeId: ID!, $note: String) { assignSignalement(id: $id, assigneeId: $assigneeId, note: $note) { id } }`,
  request: `mutation($id: ID!, $message: String!) { requestInformation(id: $id, message: $message) { id } }`,
  decide: `mutation($id: ID!, $input: DecisionInput!) { decideSignalement(id: $id, input: $input) { id } }`,
};

const URGENT = { urgent: true, urgencyReason: 'DANGER_TO_PERSONS' } as const;

/**
 * Un signalement de l'administration principale, adressé au parquet principal, amené par l'API
 * jusqu'au statut demandé en suivant le cycle de vie.
 */
async function prepare(w: World, status: SignalementStatus, options: { urgent?: boolean } = {}): Promise<Target> {
  const id = await createDraft(w.agent, w.parquet.code, options.urgent ? URGENT : {});
  if (status === 'DRAFT') return { id, reference: null };
  const reference = await transmitDraft(w.agent, id);
  const target = { id, reference };
  if (status === 'TRANSMITTED') return target;
  await succeed(w.clerk, PREPARE.register, { id });
  if (status === 'REGISTERED') return target;
  if (status === 'DECIDED') {
    await succeed(w.prosecutor, PREPARE.decide, { id, input: { kind: 'PROSECUTION', reasons: 'Citation directe devant le tribunal correctionnel.' } });
    return target;
  }
  await succeed(w.clerk, PREPARE.assign, { id, assigneeId: globalId('User', w.prosecutor.user.id) });
  if (status === 'IN_PROGRESS') return target;
  await succeed(w.clerk, PREPARE.request, { id, message: 'Merci de joindre le procès-verbal de constat.' });
  if (status === 'INFORMATION_REQUESTED') return target;
  throw new Error(`Statut non préparé : ${status}`);
}

/** L'état de tous les signalements, pour vérifier qu'un refus n'a rien écrit. */
function snapshot() {
  return t.prisma.signalement.findMany({ select: { id: true, status: true, version: true, parquetId: true, urgent: true }, orderBy: { id: 'asc' } });
}

function rolesLabel(roles: readonly Role[]) {
  return roles.join(', ');
}

// ——— Les opérations ———

interface Call {
  w: World;
  actor: Actor;
  target: Target;
}

interface Operation {
  /** Le champ GraphQL. */
  field: string;
  /** Les rôles autorisés, tirés du tableau littéral ci-dessus. */
  allowed: readonly Role[];
  /** Le statut où doit être le signalement visé ; `null` si l'opération n'en vise pas (création). */
  on: SignalementStatus | null;
  urgent?: boolean;
  document: string;
  variables: (call: Call) => Record<string, unknown>;
  /** Ce que répond une opération réussie. */
  expectSuccess: (data: Record<string, any>, call: Call) => void;
}

const isMutation = (operation: Operation) => operation.document.startsWith('mutation');

/** Une mutation réussie renvoie le signalement visé, au statut d'arrivée attendu. */
const returnsSignalement =
  (field: string, status: SignalementStatus) =>
  (data: Record<string, any>, { target }: Call) =>
    expect(data[field]).toEqual({ id: target.id, status });

const QUERIES: Operation[] = [
  {
    field: 'signalement',
    allowed: EXPECTED_ROLES.read,
    on: 'TRANSMITTED',
    document: `query($id: ID!) { signalement(id: $id) { id status } }`,
    variables: ({ target }) => ({ id: target.id }),
    expectSuccess: returnsSignalement('signalement', 'TRANSMITTED'),
  },
  {
    field: 'signalementByReference',
    allowed: EXPECTED_ROLES.read,
    on: 'TRANSMITTED',
    document: `query($reference: String!) { signalementByReference(reference: $reference) { id status } }`,
    variables: ({ target }) => ({ reference: target.reference }),
    expectSuccess: returnsSignalement('signalementByReference', 'TRANSMITTED'),
  },
  {
    field: 'signalements',
    allowed: EXPECTED_ROLES.read,
    on: 'TRANSMITTED',
    document: `query { signalements(first: 10) { totalCount edges { node { id } } } }`,
    variables: () => ({}),
    expectSuccess: (data, { target }) => expect(data.signalements).toEqual({ totalCount: 1, edges: [{ node: { id: target.id } }] }),
  },
  {
    field: 'urgentQueue',
    allowed: PARQUET_STAFF,
    on: 'TRANSMITTED',
    urgent: true,
    document: `query { urgentQueue { id urgent } }`,
    variables: () => ({}),
    expectSuccess: (data, { target }) => expect(data.urgentQueue).toEqual([{ id: target.id, urgent: true }]),
  },
  {
    field: 'node',
    // Tout utilisateur connecté peut appeler `node` ; hors de son périmètre, il reçoit `null`.
    allowed: ALL_ROLES,
    on: 'TRANSMITTED',
    document: `query($id: ID!) { node(id: $id) { id ... on Signalement { status } } }`,
    variables: ({ target }) => ({ id: target.id }),
    expectSuccess: (data, { target, actor, w }) =>
      expect(data).toEqual({ node: actor === w.platformAdmin ? null : { id: target.id, status: 'TRANSMITTED' } }),
  },
];

const MUTATIONS: Operation[] = [
  {
    field: 'createSignalement',
    allowed: EXPECTED_ROLES.create,
    on: null,
    document: `mutation($input: SignalementInput!) { createSignalement(input: $input) { id status } }`,
    variables: ({ w }) => ({ input: signalementInput(w.parquet.code) }),
    expectSuccess: (data) => expect(data.createSignalement).toEqual({ id: expect.any(String), status: 'DRAFT' }),
  },
  {
    field: 'updateSignalement',
    allowed: EXPECTED_ROLES.update,
    on: 'DRAFT',
    document: `mutation($id: ID!, $input: SignalementInput!) { updateSignalement(id: $id, input: $input) { id status } }`,
    variables: ({ w, target }) => ({ id: target.id, input: signalementInput(w.parquet.code, { title: 'Tromperie sur l’origine' }) }),
    expectSuccess: returnsSignalement('updateSignalement', 'DRAFT'),
  },
  {
    field: 'deleteSignalement',
    allowed: EXPECTED_ROLES.delete,
    on: 'DRAFT',
    document: `mutation($id: ID!) { deleteSignalement(id: $id) { id status } }`,
    variables: ({ target }) => ({ id: target.id }),
    // La suppression renvoie le dernier état du brouillon.
    expectSuccess: returnsSignalement('deleteSignalement', 'DRAFT'),
  },
  {
    field: 'transmitSignalement',
    allowed: EXPECTED_ROLES.transmit,
    on: 'DRAFT',
    document: `mutation($id: ID!) { transmitSignalement(id: $id) { id status } }`,
    variables: ({ target }) => ({ id: target.id }),
    expectSuccess: returnsSignalement('transmitSignalement', 'TRANSMITTED'),
  },
  {
    field: 'withdrawSignalement',
    allowed: EXPECTED_ROLES.withdraw,
    on: 'TRANSMITTED',
    document: `mutation($id: ID!, $reason: String!) { withdrawSignalement(id: $id, reason: $reason) { id status } }`,
    variables: ({ target }) => ({ id: target.id, reason: 'Doublon d’un signalement déjà transmis.' }),
    expectSuccess: returnsSignalement('withdrawSignalement', 'WITHDRAWN'),
  },
  {
    field: 'transferSignalement',
    allowed: EXPECTED_ROLES.transfer,
    on: 'TRANSMITTED',
    document: `mutation($id: ID!, $parquetCode: String!, $reason: String!) {
      transferSignalement(id: $id, parquetCode: $parquetCode, reason: $reason) { id status } }`,
    variables: ({ w, target }) => ({ id: target.id, parquetCode: w.otherParquet.code, reason: 'Faits commis dans le ressort voisin.' }),
    expectSuccess: returnsSignalement('transferSignalement', 'TRANSMITTED'),
  },
  {
    field: 'registerSignalement',
    allowed: EXPECTED_ROLES.register,
    on: 'TRANSMITTED',
    document: `mutation($id: ID!) { registerSignalement(id: $id) { id status } }`,
    variables: ({ target }) => ({ id: target.id }),
    expectSuccess: returnsSignalement('registerSignalement', 'REGISTERED'),
  },
  {
    field: 'assignSignalement',
    allowed: EXPECTED_ROLES.assign,
    on: 'REGISTERED',
    document: `mutation($id: ID!, $assigneeId: ID!) { assignSignalement(id: $id, assigneeId: $assigneeId) { id status } }`,
    // Chacun s'attribue le signalement : un membre de son propre parquet.
    variables: ({ actor, target }) => ({ id: target.id, assigneeId: globalId('User', actor.user.id) }),
    expectSuccess: returnsSignalement('assignSignalement', 'IN_PROGRESS'),
  },
  {
    field: 'requestInformation',
    allowed: EXPECTED_ROLES.requestInformation,
    on: 'IN_PROGRESS',
    document: `mutation($id: ID!, $message: String!) { requestInformation(id: $id, message: $message) { id status } }`,
    variables: ({ target }) => ({ id: target.id, message: 'Merci de joindre le procès-verbal de constat.' }),
    expectSuccess: returnsSignalement('requestInformation', 'INFORMATION_REQUESTED'),
  },
  {
    field: 'answerInformationRequest',
    allowed: EXPECTED_ROLES.answerInformationRequest,
    on: 'INFORMATION_REQUESTED',
    document: `mutation($id: ID!, $message: String!) { answerInformationRequest(id: $id, message: $message) { id status } }`,
    variables: ({ target }) => ({ id: target.id, message: 'Procès-verbal joint.' }),
    expectSuccess: returnsSignalement('answerInformationRequest', 'IN_PROGRESS'),
  },
  {
    field: 'decideSignalement',
    allowed: EXPECTED_ROLES.decide,
    on: 'REGISTERED',
    document: `mutation($id: ID!, $input: DecisionInput!) { decideSignalement(id: $id, input: $input) { id status } }`,
    variables: ({ target }) => ({
      id: target.id,
      input: { kind: 'DISMISSAL', dismissalReasonCode: '21', reasons: 'Infraction insuffisamment caractérisée au vu des pièces.' },
    }),
    expectSuccess: returnsSignalement('decideSignalement', 'DECIDED'),
  },
  {
    field: 'reopenSignalement',
    allowed: EXPECTED_ROLES.reopen,
    on: 'DECIDED',
    document: `mutation($id: ID!, $reason: String!) { reopenSignalement(id: $id, reason: $reason) { id status } }`,
    variables: ({ target }) => ({ id: target.id, reason: 'Faits nouveaux signalés par l’administration.' }),
    expectSuccess: returnsSignalement('reopenSignalement', 'IN_PROGRESS'),
  },
  {
    field: 'closeSignalement',
    allowed: EXPECTED_ROLES.close,
    on: 'DECIDED',
    document: `mutation($id: ID!) { closeSignalement(id: $id) { id status } }`,
    variables: ({ target }) => ({ id: target.id }),
    expectSuccess: returnsSignalement('closeSignalement', 'CLOSED'),
  },
  {
    field: 'setUrgency',
    allowed: EXPECTED_ROLES.setUrgency,
    on: 'TRANSMITTED',
    document: `mutation($id: ID!, $urgent: Boolean!, $reason: UrgencyReason) { setUrgency(id: $id, urgent: $urgent, reason: $reason) { id status urgent } }`,
    variables: ({ target }) => ({ id: target.id, urgent: true, reason: 'EVIDENCE_AT_RISK' }),
    expectSuccess: (data, { target }) => expect(data.setUrgency).toEqual({ id: target.id, status: 'TRANSMITTED', urgent: true }),
  },
];

const OPERATIONS = [...QUERIES, ...MUTATIONS];

/** Le signalement visé par l'opération, au bon statut ; la création n'en vise pas. */
async function targetFor(w: World, operation: Operation): Promise<Target> {
  if (operation.on === null) return { id: unknownSignalementId(), reference: null };
  return prepare(w, operation.on, { urgent: operation.urgent ?? false });
}

async function call(operation: Operation, actor: Actor, w: World, target: Target): Promise<GraphQLResponse> {
  return actor.client.gql(operation.document, operation.variables({ w, actor, target }));
}

// ——— Les tests ———

describe('tableau des rôles', () => {
  it('le tableau littéral de ce test est exactement ROLES_FOR (permissions.ts)', () => {
    const sorted = (table: Record<string, readonly string[]>) =>
      Object.fromEntries(Object.entries(table).map(([action, roles]) => [action, [...roles].sort()]));
    expect(sorted(ROLES_FOR)).toEqual(sorted(EXPECTED_ROLES));
  });
});

describe.each(OPERATIONS)('$field', (operation) => {
  const forbidden = ALL_ROLES.filter((role) => !operation.allowed.includes(role));
  const refusals: { who: string; expected: 'UNAUTHENTICATED' | 'FORBIDDEN'; client: (w: World) => TestClient }[] = [
    { who: 'sans jeton', expected: 'UNAUTHENTICATED', client: () => t.anonymous },
    { who: 'jeton invalide', expected: 'UNAUTHENTICATED', client: () => t.clientWithToken('ips_jeton-inconnu-de-toute-session') },
    ...forbidden.map((role) => ({ who: role, expected: 'FORBIDDEN' as const, client: (w: World) => ACTOR_OF_ROLE[role](w).client })),
  ];

  // Un refus n'écrit rien : les refus se suivent donc, dans cet ordre, sur le même monde.
  it(`refusé sans jeton et avec un jeton invalide (UNAUTHENTICATED)${forbidden.length ? `, puis pour ${rolesLabel(forbidden)} (FORBIDDEN)` : ''} ; rien n’est écrit`, async () => {
    const w = await createWorld(t);
    // Le signalement est au statut voulu et les variables sont celles d'un appel autorisé qui
    // réussirait : seule l'identité de l'appelant peut expliquer le refus.
    const target = await targetFor(w, operation);
    const variables = operation.variables({ w, actor: ACTOR_OF_ROLE[operation.allowed[0]!](w), target });
    const before = await snapshot();
    for (const { who, expected, client } of refusals) {
      const result = await client(w).gql(operation.document, variables);
      expect({ who, code: errorCode(result), data: result.data?.[operation.field] ?? null }).toEqual({ who, code: expected, data: null });
    }
    expect(await snapshot()).toEqual(before);
  });

  it(`rôles autorisés (${rolesLabel(operation.allowed)}) : réussit`, async () => {
    const w = await createWorld(t);
    // Une lecture ne change rien : un seul signalement suffit ; chaque écriture a le sien.
    const shared = isMutation(operation) ? null : await targetFor(w, operation);
    const targets = await Promise.all(operation.allowed.map(() => shared ?? targetFor(w, operation)));
    for (const [index, role] of operation.allowed.entries()) {
      const actor = ACTOR_OF_ROLE[role](w);
      const target = targets[index]!;
      const result = await call(operation, actor, w, target);
      expect({ role, errors: result.errors }).toEqual({ role, errors: undefined });
      operation.expectSuccess(result.data!, { w, actor, target });
    }
  });
});

describe('cloisonnement entre organisations', () => {
  const OUTSIDERS = ['otherAgent', 'otherManager', 'otherClerk', 'otherProsecutor'] as const;
  const READS = {
    byId: `query($id: ID!) { signalement(id: $id) { id } }`,
    byReference: `query($reference: String!) { signalementByReference(reference: $reference) { id } }`,
    node: `query($id: ID!) { node(id: $id) { id } }`,
    list: `query { signalements(first: 10) { totalCount edges { node { id } } } }`,
  };

  it('un autre service ou un autre parquet lit le signalement (id, référence, node) comme un identifiant inexistant', async () => {
    const w = await createWorld(t);
    const target = await prepare(w, 'TRANSMITTED');
    const unknownReference = target.reference!.replace(/\d{6}$/, '999999');
    // Témoin : l'administration auteure et le parquet destinataire, eux, le lisent par les trois chemins.
    for (const insider of [w.agent, w.clerk]) {
      const role = insider.user.role;
      const seen = [
        (await insider.client.gql(READS.byId, { id: target.id })).data?.signalement,
        (await insider.client.gql(READS.byReference, { reference: target.reference })).data?.signalementByReference,
        (await insider.client.gql(READS.node, { id: target.id })).data?.node,
      ];
      expect({ role, seen }).toEqual({ role, seen: [{ id: target.id }, { id: target.id }, { id: target.id }] });
    }
    for (const outsider of OUTSIDERS) {
      const { client } = w[outsider];
      const [byId, unknownById] = [await client.gql(READS.byId, { id: target.id }), await client.gql(READS.byId, { id: unknownSignalementId() })];
      expect(errorCode(unknownById)).toBe('NOT_FOUND');
      expect({ outsider, data: byId.data, error: byId.errors?.[0] }).toEqual({ outsider, data: null, error: unknownById.errors?.[0] });

      const [byReference, unknownByReference] = [
        await client.gql(READS.byReference, { reference: target.reference }),
        await client.gql(READS.byReference, { reference: unknownReference }),
      ];
      expect(errorCode(unknownByReference)).toBe('NOT_FOUND');
      expect({ outsider, data: byReference.data, error: byReference.errors?.[0] }).toEqual({
        outsider,
        data: null,
        error: unknownByReference.errors?.[0],
      });

      expect({ outsider, response: await client.gql(READS.node, { id: target.id }) }).toEqual({ outsider, response: { data: { node: null } } });
      expect({ outsider, response: await client.gql(READS.node, { id: unknownSignalementId() }) }).toEqual({ outsider, response: { data: { node: null } } });
    }
  });

  it.each(MUTATIONS.filter((operation) => operation.on !== null))(
    '$field sur le signalement d’un autre : même réponse qu’un identifiant inexistant, rien n’est écrit',
    async (operation) => {
      const w = await createWorld(t);
      // Le signalement est au statut où l'opération réussirait : seul le périmètre peut la refuser.
      const target = await targetFor(w, operation);
      const before = await snapshot();
      for (const outsider of OUTSIDERS) {
        const actor = w[outsider];
        const onTarget = await call(operation, actor, w, target);
        const onUnknown = await call(operation, actor, w, { id: unknownSignalementId(), reference: null });
        expect(['NOT_FOUND', 'FORBIDDEN']).toContain(errorCode(onUnknown));
        expect({ outsider, data: onTarget.data, error: onTarget.errors?.[0] }).toEqual({ outsider, data: null, error: onUnknown.errors?.[0] });
      }
      expect(await snapshot()).toEqual(before);
    },
  );

  it('un parquet ne voit jamais un brouillon qui lui est adressé', async () => {
    const w = await createWorld(t);
    const draft = await prepare(w, 'DRAFT');
    const before = await snapshot();
    for (const member of [w.clerk, w.prosecutor, w.head]) {
      const role = member.user.role;
      const byId = await member.client.gql(READS.byId, { id: draft.id });
      const unknown = await member.client.gql(READS.byId, { id: unknownSignalementId() });
      expect({ role, data: byId.data, error: byId.errors?.[0] }).toEqual({ role, data: null, error: unknown.errors?.[0] });
      expect({ role, response: await member.client.gql(READS.node, { id: draft.id }) }).toEqual({ role, response: { data: { node: null } } });
      expect({ role, response: await member.client.gql(READS.list) }).toEqual({
        role,
        response: { data: { signalements: { totalCount: 0, edges: [] } } },
      });
      // Une écriture du parquet sur le brouillon répond aussi « introuvable », pas « mauvais statut ».
      const register = await member.client.gql(`mutation($id: ID!) { registerSignalement(id: $id) { id } }`, { id: draft.id });
      const registerUnknown = await member.client.gql(`mutation($id: ID!) { registerSignalement(id: $id) { id } }`, { id: unknownSignalementId() });
      expect({ role, error: register.errors?.[0] }).toEqual({ role, error: registerUnknown.errors?.[0] });
      expect(errorCode(register)).toBe('NOT_FOUND');
    }
    expect(await snapshot()).toEqual(before);
  });

  it('la liste de chaque organisation ne contient que les siens', async () => {
    const w = await createWorld(t);
    // Administration principale : un brouillon et un transmis, tous deux adressés au parquet principal.
    const ownDraft = await createDraft(w.agent, w.parquet.code);
    const ownTransmitted = await createDraft(w.agent, w.parquet.code);
    await transmitDraft(w.agent, ownTransmitted);
    // Autre administration : un transmis à chaque parquet et un brouillon.
    const otherToOtherParquet = await createDraft(w.otherAgent, w.otherParquet.code);
    await transmitDraft(w.otherAgent, otherToOtherParquet);
    const otherToParquet = await createDraft(w.otherAgent, w.parquet.code);
    await transmitDraft(w.otherAgent, otherToParquet);
    const otherDraft = await createDraft(w.otherAgent, w.otherParquet.code);

    const expected: [Actor, string[]][] = [
      [w.agent, [ownDraft, ownTransmitted]],
      [w.manager, [ownDraft, ownTransmitted]],
      [w.reader, [ownDraft, ownTransmitted]],
      [w.otherAgent, [otherToOtherParquet, otherToParquet, otherDraft]],
      [w.otherManager, [otherToOtherParquet, otherToParquet, otherDraft]],
      [w.clerk, [ownTransmitted, otherToParquet]],
      [w.prosecutor, [ownTransmitted, otherToParquet]],
      [w.head, [ownTransmitted, otherToParquet]],
      [w.otherClerk, [otherToOtherParquet]],
      [w.otherProsecutor, [otherToOtherParquet]],
    ];
    for (const [actor, ids] of expected) {
      const result = await actor.client.gql(READS.list);
      const seen = (result.data?.signalements.edges ?? []).map((edge: { node: { id: string } }) => edge.node.id);
      expect({ role: actor.user.role, organizationId: actor.user.organizationId, ids: [...seen].sort(), totalCount: result.data?.signalements.totalCount }).toEqual({
        role: actor.user.role,
        organizationId: actor.user.organizationId,
        ids: [...ids].sort(),
        totalCount: ids.length,
      });
    }
  });
});

describe('données internes du parquet', () => {
  const INTERNAL = `assignee { id } messages { kind body }`;
  const ENTRY_POINTS = {
    signalement: `query($id: ID!) { signalement(id: $id) { id ${INTERNAL} } }`,
    signalements: `query { signalements(first: 10) { edges { node { id ${INTERNAL} } } } }`,
    node: `query($id: ID!) { node(id: $id) { id ... on Signalement { ${INTERNAL} } } }`,
  };
  const NOTE = 'Enquête confiée à la brigade de recherches ; ne pas informer l’administration.';
  const REQUEST = 'Merci de joindre le procès-verbal de constat.';

  /** Un signalement attribué au procureur avec une note interne, puis une demande de renseignements. */
  async function assignedWithNote(w: World) {
    const id = await createDraft(w.agent, w.parquet.code);
    await transmitDraft(w.agent, id);
    await succeed(w.clerk, PREPARE.register, { id });
    await succeed(w.clerk, PREPARE.assign, { id, assigneeId: globalId('User', w.prosecutor.user.id), note: NOTE });
    await succeed(w.clerk, PREPARE.request, { id, message: REQUEST });
    return id;
  }

  /** Le signalement tel que le renvoie chaque point d'entrée. */
  function signalementOf(entry: keyof typeof ENTRY_POINTS, data: Record<string, any> | null | undefined) {
    if (entry === 'signalements') return data?.signalements.edges[0]?.node;
    return data?.[entry];
  }

  it('l’administration ne lit pas l’attributaire (FORBIDDEN sur ce champ) ni les notes internes', async () => {
    const w = await createWorld(t);
    const id = await assignedWithNote(w);
    for (const actor of [w.agent, w.manager, w.reader]) {
      for (const entry of Object.keys(ENTRY_POINTS) as (keyof typeof ENTRY_POINTS)[]) {
        const result = await actor.client.gql(ENTRY_POINTS[entry], { id });
        const where = { role: actor.user.role, entry };
        expect({ ...where, codes: result.errors?.map((error) => [error.extensions?.code, error.path?.at(-1)]) }).toEqual({
          ...where,
          codes: [['FORBIDDEN', 'assignee']],
        });
        expect({ ...where, signalement: signalementOf(entry, result.data) }).toEqual({
          ...where,
          signalement: { id, assignee: null, messages: [{ kind: 'INFORMATION_REQUEST', body: REQUEST }] },
        });
      }
    }
    // La réponse de l'administration ne montre pas non plus la note.
    const answered = await w.agent.client.gql(
      `mutation($id: ID!, $message: String!) { answerInformationRequest(id: $id, message: $message) { messages { kind } } }`,
      { id, message: 'Procès-verbal joint.' },
    );
    expect(answered.data?.answerInformationRequest.messages).toEqual([{ kind: 'INFORMATION_REQUEST' }, { kind: 'INFORMATION_ANSWER' }]);
  });

  it('le parquet lit l’attributaire et les notes internes', async () => {
    const w = await createWorld(t);
    const id = await assignedWithNote(w);
    for (const actor of [w.clerk, w.prosecutor, w.head]) {
      for (const entry of Object.keys(ENTRY_POINTS) as (keyof typeof ENTRY_POINTS)[]) {
        const result = await actor.client.gql(ENTRY_POINTS[entry], { id });
        const where = { role: actor.user.role, entry };
        expect({ ...where, errors: result.errors }).toEqual({ ...where, errors: undefined });
        expect({ ...where, signalement: signalementOf(entry, result.data) }).toEqual({
          ...where,
          signalement: {
            id,
            assignee: { id: globalId('User', w.prosecutor.user.id) },
            messages: [
              { kind: 'INTERNAL_NOTE', body: NOTE },
              { kind: 'INFORMATION_REQUEST', body: REQUEST },
            ],
          },
        });
      }
    }
  });
});

describe('opérateur de la plateforme', () => {
  it('ne lit aucun contenu de signalement', async () => {
    const w = await createWorld(t);
    const target = await prepare(w, 'TRANSMITTED', { urgent: true });
    const { client } = w.platformAdmin;

    const byId = await client.gql(`query($id: ID!) { signalement(id: $id) { id title facts } }`, { id: target.id });
    expect(errorCode(byId)).toBe('FORBIDDEN');
    expect(byId.data).toBeNull();

    const list = await client.gql(`query { signalements(first: 10) { totalCount edges { node { id title } } } }`);
    expect(errorCode(list)).toBe('FORBIDDEN');
    expect(list.data).toBeNull();

    const byReference = await client.gql(`query($r: String!) { signalementByReference(reference: $r) { id title } }`, { r: target.reference });
    expect(errorCode(byReference)).toBe('FORBIDDEN');

    const queue = await client.gql(`query { urgentQueue { id title } }`);
    expect(errorCode(queue)).toBe('FORBIDDEN');

    const node = await client.gql(`query($id: ID!) { node(id: $id) { id ... on Signalement { title facts } } }`, { id: target.id });
    expect(node).toEqual({ data: { node: null } });
  });
});

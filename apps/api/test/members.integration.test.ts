import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createUser, createWorld, errorCode, openSession, setupIntegration, type Actor, type World } from './helpers.js';
import { overHttp, sleep, startInstance, subscribe } from './realtime-helpers.js';

/**
 * Gestion des membres d'une organisation. Pour chaque opération : sans session, les rôles
 * refusés, puis les rôles autorisés ; ensuite le cloisonnement (un membre d'une autre
 * organisation répond comme un identifiant inconnu), les saisies refusées et le journal.
 */
const t = setupIntegration();

const MEMBERS = `{ members { id email firstName lastName role active organization { code } } }`;
const CREATE = `mutation($input: MemberInput!) { createMember(input: $input) { temporaryPassword user { id email firstName lastName role active organization { code } } } }`;
const UPDATE_ROLE = `mutation($id: ID!, $role: Role!) { updateMemberRole(id: $id, role: $role) { id role active } }`;
const DEACTIVATE = `mutation($id: ID!) { deactivateMember(id: $id) { id role active } }`;
const LOGIN = `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token user { email role organization { code } } } }`;
const ME = `{ me { id email } }`;

const userGlobalId = (id: string) => Buffer.from(`User:${id}`).toString('base64');
const unknownUserId = () => userGlobalId(randomUUID());
const newAgent = (overrides: Record<string, unknown> = {}) => ({
  email: 'nouvel.agent@ddpp77.test',
  firstName: 'Camille',
  lastName: 'Martin',
  role: 'AGENT',
  ...overrides,
});

function fields(response: { errors?: { extensions?: { fields?: { field: string; message: string }[] } }[] }) {
  return response.errors?.[0]?.extensions?.fields;
}

async function ok<Data = Record<string, any>>(actor: Actor, document: string, variables: Record<string, unknown> = {}) {
  const response = await actor.client.gql<Data>(document, variables);
  expect(response.errors).toBeUndefined();
  return response.data!;
}

const memberEvents = () =>
  t.prisma.auditEvent.findMany({ where: { action: { startsWith: 'MEMBER_' } }, orderBy: { id: 'asc' } });

/** Un compte désactivé directement en base, pour vérifier l'ordre de la liste. */
async function deactivatedUser(w: World, lastName: string) {
  const user = await createUser(t.prisma, w.administration.id, 'AGENT');
  return t.prisma.user.update({ where: { id: user.id }, data: { lastName, firstName: 'Ancien', active: false } });
}

describe('members', () => {
  it('sans session : UNAUTHENTICATED ; l’opérateur de la plateforme : FORBIDDEN', async () => {
    const w = await createWorld(t);
    expect(errorCode(await t.anonymous.gql(MEMBERS))).toBe('UNAUTHENTICATED');
    expect(errorCode(await w.platformAdmin.client.gql(MEMBERS))).toBe('FORBIDDEN');
  });

  it('chaque rôle d’administration et de parquet voit les membres de sa seule organisation, actifs d’abord puis par nom et prénom', async () => {
    const w = await createWorld(t);
    await t.prisma.user.update({ where: { id: w.reader.user.id }, data: { lastName: 'Aubert', firstName: 'Zoé' } });
    await t.prisma.user.update({ where: { id: w.agent.user.id }, data: { lastName: 'Aubert', firstName: 'Alice' } });
    await t.prisma.user.update({ where: { id: w.manager.user.id }, data: { lastName: 'Bernard', firstName: 'Jean' } });
    const former = await deactivatedUser(w, 'Abadie');

    for (const actor of [w.agent, w.manager, w.reader]) {
      const { members } = await ok(actor, MEMBERS);
      expect(members.map((m: { lastName: string; firstName: string; active: boolean }) => [m.lastName, m.firstName, m.active])).toEqual([
        ['Aubert', 'Alice', true],
        ['Aubert', 'Zoé', true],
        ['Bernard', 'Jean', true],
        ['Abadie', 'Ancien', false],
      ]);
      expect(members.every((m: { organization: { code: string } }) => m.organization.code === w.administration.code)).toBe(true);
      expect(members.find((m: { id: string }) => m.id === userGlobalId(former.id))).toMatchObject({ email: former.email, active: false });
    }
    for (const actor of [w.clerk, w.prosecutor, w.head]) {
      const { members } = await ok(actor, MEMBERS);
      expect(members.map((m: { id: string }) => m.id).sort()).toEqual(
        [w.clerk, w.prosecutor, w.head].map((a) => userGlobalId(a.user.id)).sort(),
      );
    }
  });
});

describe('createMember', () => {
  it('sans session : UNAUTHENTICATED ; agent, lecteur, greffier, magistrat et opérateur : FORBIDDEN', async () => {
    const w = await createWorld(t);
    expect(errorCode(await t.anonymous.gql(CREATE, { input: newAgent() }))).toBe('UNAUTHENTICATED');
    for (const actor of [w.agent, w.reader, w.clerk, w.prosecutor, w.platformAdmin]) {
      expect(errorCode(await actor.client.gql(CREATE, { input: newAgent({ role: 'READER' }) }))).toBe('FORBIDDEN');
    }
    expect(await t.prisma.user.count({ where: { email: 'nouvel.agent@ddpp77.test' } })).toBe(0);
  });

  it('le responsable crée un agent ; le mot de passe provisoire, montré une fois et conservé haché, ouvre une session ; le journal consigne la création sans mot de passe', async () => {
    const w = await createWorld(t);
    const { createMember } = await ok(w.manager, CREATE, { input: newAgent({ email: '  Nouvel.Agent@DDPP77.test ' }) });
    expect(createMember.user).toMatchObject({
      email: 'nouvel.agent@ddpp77.test',
      firstName: 'Camille',
      lastName: 'Martin',
      role: 'AGENT',
      active: true,
      organization: { code: w.administration.code },
    });
    const password = createMember.temporaryPassword as string;
    expect(password).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);

    const stored = await t.prisma.user.findUniqueOrThrow({ where: { email: 'nouvel.agent@ddpp77.test' } });
    expect(stored.passwordHash).toMatch(/^scrypt\$/);
    expect(stored.passwordHash).not.toContain(password);

    const login = await t.anonymous.gql(LOGIN, { email: 'nouvel.agent@ddpp77.test', password });
    expect(login.data!.login.user).toEqual({ email: 'nouvel.agent@ddpp77.test', role: 'AGENT', organization: { code: w.administration.code } });
    expect((await t.clientWithToken(login.data!.login.token).gql(ME)).data!.me.email).toBe('nouvel.agent@ddpp77.test');

    const [event] = await memberEvents();
    expect(event).toMatchObject({
      action: 'MEMBER_CREATED',
      actorId: w.manager.user.id,
      organizationId: w.administration.id,
      targetType: 'User',
      targetId: stored.id,
      internal: true,
      before: null,
      after: { email: 'nouvel.agent@ddpp77.test', firstName: 'Camille', lastName: 'Martin', role: 'AGENT', active: true },
    });
    const recorded = JSON.stringify([event!.before, event!.after]);
    expect(recorded).not.toMatch(/password|scrypt/i);
    expect(recorded).not.toContain(password);
  });

  it('le chef de parquet crée un greffier ; un rôle d’une autre nature d’organisation est refusé sur input.role', async () => {
    const w = await createWorld(t);
    const { createMember } = await ok(w.head, CREATE, { input: newAgent({ email: 'greffier@tj-test.test', role: 'CLERK' }) });
    expect(createMember.user).toMatchObject({ role: 'CLERK', organization: { code: w.parquet.code } });

    const refused = [
      [w.head, 'AGENT'],
      [w.head, 'PLATFORM_ADMIN'],
      [w.manager, 'HEAD'],
      [w.manager, 'PROSECUTOR'],
    ] as const;
    for (const [actor, role] of refused) {
      const response = await actor.client.gql(CREATE, { input: newAgent({ email: `refus-${role}@test.test`, role }) });
      expect(errorCode(response)).toBe('BAD_USER_INPUT');
      expect(fields(response)).toEqual([{ field: 'input.role', message: expect.stringMatching(/^Rôle : dans (une administration|un parquet), choisissez/) }]);
    }
    expect(await t.prisma.user.count({ where: { email: { startsWith: 'refus-' } } })).toBe(0);
  });

  it('une adresse déjà utilisée, même dans une autre organisation, est refusée sur input.email ; les autres saisies aussi', async () => {
    const w = await createWorld(t);
    const otherEmail = (await t.prisma.user.findUniqueOrThrow({ where: { id: w.otherAgent.user.id } })).email;
    const duplicate = await w.manager.client.gql(CREATE, { input: newAgent({ email: otherEmail.toUpperCase() }) });
    expect(duplicate.errors![0]).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', fields: [{ field: 'input.email', message: 'Adresse électronique déjà utilisée.' }] },
    });

    // Toutes les erreurs de la saisie d'un coup, rôle compris.
    const invalid = await w.manager.client.gql(CREATE, {
      input: newAgent({ email: 'pas-une-adresse', firstName: '  ', lastName: 'x'.repeat(101), role: 'HEAD' }),
    });
    expect(errorCode(invalid)).toBe('BAD_USER_INPUT');
    expect(fields(invalid)!.map((issue) => issue.field).sort()).toEqual(['input.email', 'input.firstName', 'input.lastName', 'input.role']);
    expect(await memberEvents()).toEqual([]);
  });
});

describe('updateMemberRole', () => {
  it('sans session : UNAUTHENTICATED ; agent, lecteur, greffier, magistrat, opérateur : FORBIDDEN', async () => {
    const w = await createWorld(t);
    const target = userGlobalId(w.agent.user.id);
    expect(errorCode(await t.anonymous.gql(UPDATE_ROLE, { id: target, role: 'READER' }))).toBe('UNAUTHENTICATED');
    for (const actor of [w.agent, w.reader, w.clerk, w.prosecutor, w.platformAdmin]) {
      expect(errorCode(await actor.client.gql(UPDATE_ROLE, { id: target, role: 'READER' }))).toBe('FORBIDDEN');
    }
  });

  it('le responsable change le rôle d’un agent, consigné avant/après ; le chef de parquet celui d’un greffier', async () => {
    const w = await createWorld(t);
    const { updateMemberRole } = await ok(w.manager, UPDATE_ROLE, { id: userGlobalId(w.agent.user.id), role: 'READER' });
    expect(updateMemberRole).toEqual({ id: userGlobalId(w.agent.user.id), role: 'READER', active: true });
    // Le nouveau rôle vaut dès la requête suivante : un lecteur ne crée pas de signalement.
    expect((await ok(w.agent, `{ me { role } }`)).me.role).toBe('READER');

    await ok(w.head, UPDATE_ROLE, { id: userGlobalId(w.clerk.user.id), role: 'PROSECUTOR' });
    expect(await memberEvents()).toMatchObject([
      { action: 'MEMBER_ROLE_CHANGED', actorId: w.manager.user.id, targetId: w.agent.user.id, internal: true, before: { role: 'AGENT' }, after: { role: 'READER' } },
      { action: 'MEMBER_ROLE_CHANGED', actorId: w.head.user.id, targetId: w.clerk.user.id, before: { role: 'CLERK' }, after: { role: 'PROSECUTOR' } },
    ]);
  });

  it('un membre d’une autre organisation répond comme un identifiant inconnu ; soi-même et un rôle étranger à l’organisation sont refusés', async () => {
    const w = await createWorld(t);
    const unknown = await w.manager.client.gql(UPDATE_ROLE, { id: unknownUserId(), role: 'READER' });
    expect(unknown.errors![0]).toMatchObject({ message: 'Membre introuvable.', extensions: { code: 'NOT_FOUND' } });
    for (const id of [userGlobalId(w.otherAgent.user.id), userGlobalId(w.clerk.user.id), 'illisible', Buffer.from(`Signalement:${w.agent.user.id}`).toString('base64')]) {
      const response = await w.manager.client.gql(UPDATE_ROLE, { id, role: 'READER' });
      expect(response.errors![0]!.message).toBe(unknown.errors![0]!.message);
      expect(response.errors![0]!.extensions).toEqual(unknown.errors![0]!.extensions);
    }

    const self = await w.manager.client.gql(UPDATE_ROLE, { id: userGlobalId(w.manager.user.id), role: 'AGENT' });
    expect(self.errors![0]).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', fields: [{ field: 'id', message: 'Vous ne pouvez pas modifier votre propre compte.' }] },
    });
    const foreignRole = await w.manager.client.gql(UPDATE_ROLE, { id: userGlobalId(w.agent.user.id), role: 'CLERK' });
    expect(errorCode(foreignRole)).toBe('BAD_USER_INPUT');
    expect(fields(foreignRole)).toEqual([{ field: 'role', message: expect.stringContaining('Rôle : dans une administration') }]);

    const roles = await t.prisma.user.findMany({ where: { id: { in: [w.agent.user.id, w.manager.user.id, w.otherAgent.user.id, w.clerk.user.id] } } });
    expect(roles.map((u) => u.role).sort()).toEqual(['AGENT', 'AGENT', 'CLERK', 'MANAGER']);
    expect(await memberEvents()).toEqual([]);
  });
});

describe('deactivateMember', () => {
  it('sans session : UNAUTHENTICATED ; agent, lecteur, greffier, magistrat, opérateur : FORBIDDEN', async () => {
    const w = await createWorld(t);
    const target = userGlobalId(w.clerk.user.id);
    expect(errorCode(await t.anonymous.gql(DEACTIVATE, { id: target }))).toBe('UNAUTHENTICATED');
    for (const actor of [w.agent, w.reader, w.clerk, w.prosecutor, w.platformAdmin]) {
      expect(errorCode(await actor.client.gql(DEACTIVATE, { id: target }))).toBe('FORBIDDEN');
    }
    expect((await t.prisma.user.findUniqueOrThrow({ where: { id: w.clerk.user.id } })).active).toBe(true);
  });

  it('le chef de parquet désactive un greffier : ses sessions sont révoquées, son jeton ne sert plus, il ne peut plus se connecter ; consigné une seule fois', async () => {
    const w = await createWorld(t);
    const secondSession = await openSession(t.prisma, w.clerk.user.id);
    const { deactivateMember } = await ok(w.head, DEACTIVATE, { id: userGlobalId(w.clerk.user.id) });
    expect(deactivateMember).toEqual({ id: userGlobalId(w.clerk.user.id), role: 'CLERK', active: false });

    expect(errorCode(await w.clerk.client.gql(ME))).toBe('UNAUTHENTICATED');
    expect(errorCode(await t.clientWithToken(secondSession).gql(ME))).toBe('UNAUTHENTICATED');
    const sessions = await t.prisma.session.findMany({ where: { userId: w.clerk.user.id } });
    expect(sessions).toHaveLength(2);
    expect(sessions.every((session) => session.revokedAt !== null)).toBe(true);
    const email = (await t.prisma.user.findUniqueOrThrow({ where: { id: w.clerk.user.id } })).email;
    expect(errorCode(await t.anonymous.gql(LOGIN, { email, password: 'mot-de-passe-de-test' }))).toBe('UNAUTHENTICATED');

    // Désactiver un compte déjà désactivé ne change rien et ne consigne rien de plus.
    expect((await ok(w.head, DEACTIVATE, { id: userGlobalId(w.clerk.user.id) })).deactivateMember.active).toBe(false);
    expect(await memberEvents()).toMatchObject([
      {
        action: 'MEMBER_DEACTIVATED',
        actorId: w.head.user.id,
        organizationId: w.parquet.id,
        targetId: w.clerk.user.id,
        internal: true,
        before: { active: true },
        after: { active: false, revokedSessions: 2 },
      },
    ]);
    // Il reste dans la liste, après les comptes actifs.
    const { members } = await ok(w.head, MEMBERS);
    expect(members.at(-1)).toMatchObject({ id: userGlobalId(w.clerk.user.id), active: false });
  });

  it('un membre d’une autre organisation répond comme un identifiant inconnu ; se désactiver soi-même est refusé', async () => {
    const w = await createWorld(t);
    const unknown = await w.manager.client.gql(DEACTIVATE, { id: unknownUserId() });
    expect(unknown.errors![0]).toMatchObject({ message: 'Membre introuvable.', extensions: { code: 'NOT_FOUND' } });
    const foreign = await w.manager.client.gql(DEACTIVATE, { id: userGlobalId(w.otherManager.user.id) });
    expect(foreign.errors![0]).toEqual({ ...unknown.errors![0], path: foreign.errors![0]!.path });

    const self = await w.head.client.gql(DEACTIVATE, { id: userGlobalId(w.head.user.id) });
    expect(self.errors![0]).toMatchObject({
      message: expect.stringContaining('Vous ne pouvez pas modifier votre propre compte.'),
      extensions: { code: 'BAD_USER_INPUT', fields: [{ field: 'id', message: 'Vous ne pouvez pas modifier votre propre compte.' }] },
    });
    const active = await t.prisma.user.findMany({ where: { id: { in: [w.otherManager.user.id, w.head.user.id] } } });
    expect(active.every((user) => user.active)).toBe(true);
    expect(await memberEvents()).toEqual([]);
  });

  it('la WebSocket ouverte du membre désactivé se ferme en 4403, celles des autres restent ouvertes', async () => {
    const api = await startInstance();
    const w = overHttp(api, await createWorld(t));
    const QUEUE = `subscription { urgentQueueChanged { kind signalementId } }`;
    const clerkScreen = subscribe(api.url, w.clerk.token, QUEUE);
    const prosecutorScreen = subscribe(api.url, w.prosecutor.token, QUEUE);
    await sleep(200);
    expect(clerkScreen.closed).toBeNull();

    const { deactivateMember } = (await w.head.client.gql(DEACTIVATE, { id: userGlobalId(w.clerk.user.id) })).data!;
    expect(deactivateMember.active).toBe(false);
    expect(await clerkScreen.waitClosed()).toMatchObject({ code: 4403, reason: 'Session terminée' });
    expect(errorCode(await w.clerk.client.gql(ME))).toBe('UNAUTHENTICATED');
    // Se reconnecter avec le même jeton ne marche plus.
    expect(await subscribe(api.url, w.clerk.token, QUEUE).waitClosed()).toMatchObject({ code: 4403 });
    await sleep(100);
    expect(prosecutorScreen.closed).toBeNull();
  });
});

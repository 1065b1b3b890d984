import { describe, expect, it } from 'vitest';
import { hashToken } from '../src/domains/auth/sessions.js';
import { createOrganization, createUser, errorCode, openSession, setupIntegration, TEST_PASSWORD } from './helpers.js';

const t = setupIntegration();

const LOGIN = `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token expiresAt user { email role organization { code } } } }`;
const ME = `{ me { email displayName role } }`;

async function agent() {
  const org = await createOrganization(t.prisma, 'ADMINISTRATION');
  const user = await createUser(t.prisma, org.id, 'AGENT', 'camille.martin@ddpp77.test');
  return { org, user };
}

describe('sessions', () => {
  it('sans jeton, `me` répond UNAUTHENTICATED ; avec un jeton inconnu aussi', async () => {
    expect(errorCode(await t.anonymous.gql(ME))).toBe('UNAUTHENTICATED');
    expect(errorCode(await t.clientWithToken('ips_inconnu').gql(ME))).toBe('UNAUTHENTICATED');
  });

  it('un mauvais mot de passe et une adresse inconnue reçoivent la même réponse', async () => {
    await agent();
    const wrong = await t.anonymous.gql(LOGIN, { email: 'camille.martin@ddpp77.test', password: 'pas-le-bon' });
    const unknown = await t.anonymous.gql(LOGIN, { email: 'personne@nulle-part.test', password: TEST_PASSWORD });
    expect(wrong.errors![0]).toMatchObject({ message: 'Adresse électronique ou mot de passe incorrect.', extensions: { code: 'UNAUTHENTICATED' } });
    expect(unknown.errors![0]!.message).toBe(wrong.errors![0]!.message);
    expect(unknown.errors![0]!.extensions).toEqual(wrong.errors![0]!.extensions);
  });

  it('login ouvre une session (jeton conservé haché) qui sert pour `me`, logout la ferme', async () => {
    const { org } = await agent();
    const login = await t.anonymous.gql(LOGIN, { email: 'Camille.Martin@DDPP77.test ', password: TEST_PASSWORD });
    const session = login.data!.login;
    expect(session.user).toEqual({ email: 'camille.martin@ddpp77.test', role: 'AGENT', organization: { code: org.code } });
    expect(new Date(session.expiresAt).getTime()).toBeGreaterThan(Date.now());
    const stored = await t.prisma.session.findFirstOrThrow();
    expect(stored.tokenHash).toBe(hashToken(session.token));
    expect(stored.tokenHash).not.toContain(session.token);

    const client = t.clientWithToken(session.token);
    expect((await client.gql(ME)).data!.me).toMatchObject({ email: 'camille.martin@ddpp77.test', role: 'AGENT' });
    expect((await client.gql(`mutation { logout }`)).data).toEqual({ logout: true });
    expect(errorCode(await client.gql(ME))).toBe('UNAUTHENTICATED');
  });

  it('une session expirée ou un compte désactivé ne donnent plus accès', async () => {
    const { user } = await agent();
    const expired = await openSession(t.prisma, user.id, new Date(Date.now() - 1000));
    expect(errorCode(await t.clientWithToken(expired).gql(ME))).toBe('UNAUTHENTICATED');

    const valid = await openSession(t.prisma, user.id);
    expect(errorCode(await t.clientWithToken(valid).gql(ME))).toBeUndefined();
    await t.prisma.user.update({ where: { id: user.id }, data: { active: false } });
    expect(errorCode(await t.clientWithToken(valid).gql(ME))).toBe('UNAUTHENTICATED');
    expect(errorCode(await t.anonymous.gql(LOGIN, { email: user.email, password: TEST_PASSWORD }))).toBe('UNAUTHENTICATED');
  });

  it('l’ouverture et la fermeture de session sont consignées au journal', async () => {
    await agent();
    const login = await t.anonymous.gql(LOGIN, { email: 'camille.martin@ddpp77.test', password: TEST_PASSWORD });
    await t.clientWithToken(login.data!.login.token).gql(`mutation { logout }`);
    const actions = (await t.prisma.auditEvent.findMany({ orderBy: { id: 'asc' } })).map((e) => e.action);
    expect(actions).toEqual(['SESSION_OPENED', 'SESSION_CLOSED']);
  });
});

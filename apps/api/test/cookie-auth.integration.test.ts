import { createClient, type Client } from 'graphql-ws';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createDraft, createWorld, errorCode, setupIntegration, TEST_PASSWORD, type GraphQLResponse } from './helpers.js';
import { overHttp, sleep, startInstance, until } from './realtime-helpers.js';

/**
 * Session des navigateurs : l'application web range le jeton dans le cookie httpOnly
 * `ip_session`. En HTTP, le cookie vaut l'en-tête Authorization quand celui-ci est absent ; en
 * WebSocket, seulement depuis une origine de l'application web (WEB_ORIGINS), sinon une page d'un
 * autre site pourrait ouvrir une socket avec le cookie du visiteur.
 */
const t = setupIntegration();

const WEB_ORIGIN = 'http://127.0.0.1:3000';
const ME = `{ me { email role } }`;
const EVENTS = `subscription { signalementEvents { kind signalementId } }`;

/** Une requête GraphQL en mémoire avec les en-têtes donnés (cookie, Authorization). */
async function gqlWith(headers: Record<string, string>, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse> {
  const response = await t.app.fetch('http://infoparquet.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLResponse;
}

const cookieFor = (token: string) => `ip_session=${token}`;

// ——— WebSockets de navigateur : cookie et origine posés sur la requête d'ouverture ———

interface BrowserScreen {
  events: Record<string, any>[];
  errors: unknown[];
  closed: { code: number; reason: string } | null;
}

const screens: Client[] = [];
afterEach(async () => {
  while (screens.length > 0) await screens.pop()!.dispose();
});


/** Un écran de navigateur : la socket part avec ce cookie et cette origine, sans connectionParams. */
function browserScreen(httpUrl: string, options: { cookie?: string; origin?: string; authorization?: string }) {
  const { cookie, origin, authorization } = options;
  class BrowserWebSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers: cookie ? { cookie } : {}, ...(origin ? { origin } : {}) });
    }
  }
  const screen: BrowserScreen = { events: [], errors: [], closed: null };
  const client = createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    webSocketImpl: BrowserWebSocket,
    lazy: false,
    retryAttempts: 0,
    onNonLazyError: () => {},
    connectionParams: authorization ? { authorization } : {},
    on: { closed: (event) => (screen.closed = { code: (event as { code: number }).code, reason: (event as { reason: string }).reason }) },
  });
  client.subscribe(
    { query: EVENTS },
    {
      next: (value) => {
        if (value.errors) screen.errors.push(...value.errors);
        if (value.data) screen.events.push(value.data);
      },
      error: (error) => screen.errors.push(error),
      complete: () => {},
    },
  );
  screens.push(client);
  return {
    screen,
    waitFor: async (count: number) => {
      await until(() => screen.events.length >= count, 3000, () => `${screen.events.length}/${count} événements, erreurs ${JSON.stringify(screen.errors)}`);
      return screen.events;
    },
    waitClosed: async () => {
      await until(() => screen.closed !== null, 3000, () => 'socket toujours ouverte');
      return screen.closed!;
    },
  };
}

describe('cookie de session en HTTP', () => {
  it('sans cookie ni en-tête : UNAUTHENTICATED ; cookie inconnu : UNAUTHENTICATED ; cookie valide d’un rôle refusé : FORBIDDEN ; autorisé : la réponse', async () => {
    const w = await createWorld(t);
    expect(errorCode(await gqlWith({}, ME))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gqlWith({ cookie: cookieFor('ips_inconnu') }, ME))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gqlWith({ cookie: cookieFor(w.agent.token) }, `{ urgentQueue { id } }`))).toBe('FORBIDDEN');
    expect((await gqlWith({ cookie: cookieFor(w.agent.token) }, ME)).data!.me).toMatchObject({ role: 'AGENT' });
    // Parmi d'autres cookies, dans n'importe quel ordre.
    expect((await gqlWith({ cookie: `theme=sombre; ${cookieFor(w.clerk.token)}; _ga=GA1.1` }, ME)).data!.me.role).toBe('CLERK');
  });

  it('une requête d’une page hors des origines de l’application web n’est pas authentifiée par le cookie ; sans origine (rendu serveur), elle l’est', async () => {
    const w = await createWorld(t);
    const cookie = cookieFor(w.agent.token);
    expect(errorCode(await gqlWith({ cookie, origin: 'http://127.0.0.1:8080' }, ME))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gqlWith({ cookie, origin: 'http://evil.example' }, ME))).toBe('UNAUTHENTICATED');
    expect((await gqlWith({ cookie, origin: WEB_ORIGIN }, ME)).data!.me.role).toBe('AGENT');
    expect((await gqlWith({ cookie, origin: 'http://localhost:3000' }, ME)).data!.me.role).toBe('AGENT');
    // Un partenaire présente son jeton en en-tête : son origine ne compte pas.
    expect((await gqlWith({ authorization: `Bearer ${w.agent.token}`, origin: 'http://evil.example' }, ME)).data!.me.role).toBe('AGENT');
  });

  it('un en-tête Authorization présent l’emporte sur le cookie, même invalide', async () => {
    const w = await createWorld(t);
    const both = { cookie: cookieFor(w.agent.token) };
    expect((await gqlWith({ ...both, authorization: `Bearer ${w.clerk.token}` }, ME)).data!.me.role).toBe('CLERK');
    expect(errorCode(await gqlWith({ ...both, authorization: 'Bearer ips_inconnu' }, ME))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gqlWith({ ...both, authorization: 'Basic abc' }, ME))).toBe('UNAUTHENTICATED');
  });

  it('le jeton de `login` posé en cookie ouvre la session ; `logout` par le cookie la ferme', async () => {
    const w = await createWorld(t);
    const email = (await t.prisma.user.findUniqueOrThrow({ where: { id: w.manager.user.id } })).email;
    const login = await gqlWith({}, `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`, { e: email, p: TEST_PASSWORD });
    const cookie = cookieFor(login.data!.login.token);
    expect((await gqlWith({ cookie }, `{ members { email } }`)).data!.members.map((m: { email: string }) => m.email)).toContain(email);
    expect((await gqlWith({ cookie }, `mutation { logout }`)).data).toEqual({ logout: true });
    expect(errorCode(await gqlWith({ cookie }, ME))).toBe('UNAUTHENTICATED');
  });

  it('par le vrai serveur HTTP aussi', async () => {
    const api = await startInstance();
    const w = await createWorld(t);
    const response = await fetch(api.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: cookieFor(w.head.token) },
      body: JSON.stringify({ query: ME }),
    });
    expect(((await response.json()) as GraphQLResponse).data!.me.role).toBe('HEAD');
  });
});

describe('cookie de session en WebSocket', () => {
  it('sans cookie ni jeton : 4401 ; cookie d’une page d’un autre site ou sans origine : 4403 ; cookie inconnu : 4403', async () => {
    const api = await startInstance();
    const w = await createWorld(t);
    expect(await browserScreen(api.url, { origin: WEB_ORIGIN }).waitClosed()).toMatchObject({ code: 4401 });
    expect(await browserScreen(api.url, { cookie: cookieFor(w.agent.token), origin: 'http://evil.example' }).waitClosed()).toEqual({
      code: 4403,
      reason: 'Origine non autorisée',
    });
    expect(await browserScreen(api.url, { cookie: cookieFor(w.agent.token), origin: 'http://127.0.0.1:3000.evil.example' }).waitClosed()).toMatchObject({ code: 4403 });
    expect(await browserScreen(api.url, { cookie: cookieFor(w.agent.token) }).waitClosed()).toMatchObject({ code: 4403 });
    expect(await browserScreen(api.url, { cookie: cookieFor('ips_inconnu'), origin: WEB_ORIGIN }).waitClosed()).toMatchObject({ code: 4403 });
  });

  it('avec le cookie et l’origine de l’application web, l’écran reçoit les événements de son organisation, pas ceux des autres', async () => {
    const api = await startInstance();
    const w = overHttp(api, await createWorld(t));
    const agentScreen = browserScreen(api.url, { cookie: cookieFor(w.agent.token), origin: WEB_ORIGIN });
    const otherScreen = browserScreen(api.url, { cookie: cookieFor(w.otherAgent.token), origin: 'http://localhost:3000' });
    await sleep(200);
    expect(agentScreen.screen.closed).toBeNull();

    const id = await createDraft(w.agent, w.parquet.code);
    const [event] = await agentScreen.waitFor(1);
    expect(event!.signalementEvents).toEqual({ kind: 'CREATED', signalementId: id });
    await sleep(100);
    expect(otherScreen.screen.events).toEqual([]);
    expect(otherScreen.screen.closed).toBeNull();

    // La session fermée (logout par le cookie), la socket se ferme comme avec un jeton.
    expect((await w.agent.client.gql(`mutation { logout }`)).data).toEqual({ logout: true });
    expect(await agentScreen.waitClosed()).toMatchObject({ code: 4403, reason: 'Session terminée' });
  });

  it('un jeton dans connectionParams (partenaire, application native) vaut quelle que soit l’origine, et l’emporte sur le cookie', async () => {
    const api = await startInstance();
    const w = overHttp(api, await createWorld(t));
    const partner = browserScreen(api.url, {
      authorization: `Bearer ${w.agent.token}`,
      cookie: cookieFor(w.otherAgent.token),
      origin: 'http://evil.example',
    });
    await sleep(200);
    expect(partner.screen.closed).toBeNull();
    const id = await createDraft(w.agent, w.parquet.code);
    expect((await partner.waitFor(1))[0]!.signalementEvents.signalementId).toBe(id);
  });
});

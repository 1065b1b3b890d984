import { readdirSync, readFileSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import { getNamedType, isObjectType, Kind, Lexer, parse, Source, TokenKind, type DefinitionNode, type GraphQLError } from 'graphql';
import { createSchema, createYoga, type Plugin } from 'graphql-yoga';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { buildApp, type App } from '../src/app.js';
import { readEnv } from '../src/env.js';
import { createRealtime } from '../src/realtime/index.js';
import { schema } from '../src/schema/index.js';
import { securityPlugins } from '../src/security/index.js';
import { MAX_ALIASES, MAX_BODY_BYTES, MAX_COST, MAX_DEPTH, MAX_DIRECTIVES, MAX_TOKENS, PAGE_MAX } from '../src/security/limits.js';
import { createDraft, createWorld, setupIntegration, signalementInput, type GraphQLResponse } from './helpers.js';
import { sleep, startInstance, subscribe, until } from './realtime-helpers.js';

/**
 * Les protections de l'API (security/) : chaque limite refuse un document ou une requête
 * fabriqués pour la dépasser, avec un code clair, juste au-delà de sa valeur ; juste en deçà, et
 * pour toutes les requêtes de l'application web, tout passe.
 */
const t = setupIntegration();
const URL = 'http://infoparquet.test/graphql';

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

/** Une application en mémoire avec ces variables d'environnement (par défaut celles des tests). */
function appWith(overrides: Record<string, string>): App {
  const realtime = createRealtime(t.prisma, { pollIntervalMs: 60_000 });
  closers.push(() => realtime.close());
  return buildApp({ prisma: t.prisma, env: readEnv({ ...process.env, NODE_ENV: 'test', ...overrides }), realtime });
}

interface Reply {
  status: number;
  headers: Headers;
  body: GraphQLResponse;
}

async function reply(response: Response): Promise<Reply> {
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as GraphQLResponse) : {} };
}

/** POST JSON avec un jeton (ou d'autres en-têtes) sur l'application donnée. */
async function post(app: App, token: string | null, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) {
  return reply(
    await app.fetch(URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: JSON.stringify({ query, variables }),
    }),
  );
}

const codes = (r: Reply) => (r.body.errors ?? []).map((error) => error.extensions?.code);
const limitsHit = (r: Reply) => (r.body.errors ?? []).filter((error) => error.extensions?.code === 'QUERY_TOO_COMPLEX').map((error) => error.extensions?.limit);

/** La page « complète » d'un partenaire : tous les champs qu'une administration lit, historique compris. */
const FULL_NODE = `id reference status urgent urgencyReason urgencyDetail title facts factsDate places natinfCodes
  persons { kind role lastName firstName legalName siren } externalReference transmittedAt contentHash proofOfDepositUrl
  parquetNumber withdrawalReason createdAt administration { name code } parquet { name code } createdBy { displayName }
  decision { kind reasons decidedAt dismissalReason { code label } author { displayName } avisUrl avisReadAt avisReadBy { displayName } }
  history { id action fromStatus toStatus at comment actor { displayName } organization { name } }
  messages { id kind body createdAt author { displayName } } availableActions`;
const fullPage = (alias: string, first: string) => `${alias}: signalements(first: ${first}) { totalCount edges { cursor node { ${FULL_NODE} } } pageInfo { hasNextPage endCursor } }`;

// ——— Les documents de l'application web ———

const WEB_SOURCES = path.resolve(import.meta.dirname, '../../web/src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const file = path.join(dir, entry);
    return statSync(file).isDirectory() ? sourceFiles(file) : /\.tsx?$/.test(entry) ? [file] : [];
  });
}

/** Chaque opération de l'application web (gabarits `graphql(`…`)`), avec les fragments qu'elle utilise. */
function webOperations(): { name: string; document: string }[] {
  const definitions: { text: string; node: DefinitionNode }[] = [];
  for (const file of sourceFiles(WEB_SOURCES)) {
    for (const match of readFileSync(file, 'utf8').matchAll(/graphql\(\s*`([^`]*)`/g)) {
      const text = match[1]!;
      for (const node of parse(text).definitions) definitions.push({ text: text.slice(node.loc!.start, node.loc!.end), node });
    }
  }
  const fragments = new Map(definitions.flatMap(({ text, node }) => (node.kind === Kind.FRAGMENT_DEFINITION ? [[node.name.value, text] as const] : [])));
  return definitions.flatMap(({ text, node }) => {
    if (node.kind !== Kind.OPERATION_DEFINITION) return [];
    // Les fragments cités, et ceux qu'ils citent.
    const used = new Set<string>();
    const pending = [text];
    while (pending.length > 0) {
      for (const [, name] of pending.pop()!.matchAll(/\.\.\.\s*([_A-Za-z]\w*)/g)) {
        if (name === 'on' || used.has(name!) || !fragments.has(name!)) continue;
        used.add(name!);
        pending.push(fragments.get(name!)!);
      }
    }
    return [{ name: node.name?.value ?? '(anonyme)', document: [text, ...[...used].map((name) => fragments.get(name)!)].join('\n') }];
  });
}

describe('limites des documents', () => {
  it('aucune requête de l’application web n’atteint une limite, en test comme en production', async () => {
    const operations = webOperations();
    // Liste, détail, file d'urgence, formulaire, organisation… : l'extraction a bien trouvé l'application.
    expect(operations.length).toBeGreaterThan(15);
    expect(operations.map((operation) => operation.name)).toEqual(expect.arrayContaining(['Signalements', 'SignalementDetail', 'UrgentQueue']));
    for (const app of [t.app, appWith({ NODE_ENV: 'production' })]) {
      for (const operation of operations) {
        const { parse: parseDocument, validate, schema: appSchema } = app.getEnveloped({ request: new Request(URL, { method: 'POST' }), params: { query: operation.document } });
        const errors: readonly GraphQLError[] = validate(appSchema, parseDocument(operation.document));
        const refused = errors.filter((error) => ['QUERY_TOO_COMPLEX', 'INTROSPECTION_DISABLED'].includes(error.extensions.code as string));
        expect(refused.map((error) => `${operation.name} : ${error.message}`)).toEqual([]);
      }
    }
  });

  it(`profondeur : ${MAX_DEPTH} niveaux passent, un de plus est refusé ; la chaîne ofType de l’introspection aussi`, async () => {
    const w = await createWorld(t);
    // Chaque fragment en ligne compte pour un niveau, `me { id }` pour deux.
    const nested = (levels: number) => `{ ${'... on Query { '.repeat(levels - 2)}me { id }${' }'.repeat(levels - 2)} }`;
    const atLimit = await post(t.app, w.agent.token, nested(MAX_DEPTH));
    expect(atLimit.body.errors).toBeUndefined();
    expect(atLimit.body.data?.me.id).toBeTruthy();

    const beyond = await post(t.app, w.agent.token, nested(MAX_DEPTH + 1));
    expect(beyond.body.data).toBeUndefined();
    expect(beyond.body.errors).toEqual([
      expect.objectContaining({
        message: `Requête trop profonde : ${MAX_DEPTH} niveaux d’imbrication au plus.`,
        extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'depth', max: MAX_DEPTH },
      }),
    ]);

    const ofTypes = `{ __type(name: "Query") { fields { type { ${'ofType { '.repeat(MAX_DEPTH)}name${' }'.repeat(MAX_DEPTH)} } } } }`;
    expect(limitsHit(await post(t.app, w.agent.token, ofTypes))).toEqual(['depth']);
  });

  it(`alias : ${MAX_ALIASES} passent, un de plus est refusé, __typename compris`, async () => {
    const w = await createWorld(t);
    const aliased = (count: number) => `{ ${Array.from({ length: count }, (_, i) => (i === 0 ? `t${i}: __typename` : `m${i}: me { id }`)).join(' ')} }`;
    const atLimit = await post(t.app, w.agent.token, aliased(MAX_ALIASES));
    expect(atLimit.body.errors).toBeUndefined();
    expect(Object.keys(atLimit.body.data!)).toHaveLength(MAX_ALIASES);

    const beyond = await post(t.app, w.agent.token, aliased(MAX_ALIASES + 1));
    expect(beyond.body.data).toBeUndefined();
    expect(beyond.body.errors).toEqual([
      expect.objectContaining({ message: `Trop d’alias dans l’opération : ${MAX_ALIASES} au plus.`, extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'aliases', max: MAX_ALIASES } }),
    ]);
  });

  it(`directives : ${MAX_DIRECTIVES} passent, une de plus est refusée`, async () => {
    const w = await createWorld(t);
    const fields = ['id', 'email', 'firstName', 'lastName', 'displayName', 'role'];
    const directed = (count: number) => `{ me { ${fields.slice(0, count).map((field) => `${field} @include(if: true)`).join(' ')} } }`;
    const atLimit = await post(t.app, w.agent.token, directed(MAX_DIRECTIVES));
    expect(atLimit.body.errors).toBeUndefined();
    expect(Object.keys(atLimit.body.data!.me)).toHaveLength(MAX_DIRECTIVES);

    const beyond = await post(t.app, w.agent.token, directed(MAX_DIRECTIVES + 1));
    expect(beyond.body.errors).toEqual([
      expect.objectContaining({
        message: `Trop de directives dans l’opération : ${MAX_DIRECTIVES} au plus.`,
        extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'directives', max: MAX_DIRECTIVES },
      }),
    ]);
  });

  it(`jetons : ${MAX_TOKENS} passent, un de plus est refusé, sans rien exécuter`, async () => {
    const w = await createWorld(t);
    const variables = { input: signalementInput(w.parquet.code) };
    // Le document compté comme graphql-armor le compte : les jetons de l'analyseur de graphql-js.
    const padded = (tokens: number) => {
      const base = `mutation($input: SignalementInput!) { createSignalement(input: $input) { id } }`;
      const lexer = new Lexer(new Source(base));
      let count = 0;
      while (lexer.advance().kind !== TokenKind.EOF) count += 1;
      return base.replace('{ id }', `{ id ${'id '.repeat(tokens - count)}}`);
    };
    const beyond = await post(t.app, w.agent.token, padded(MAX_TOKENS + 1), variables);
    expect(beyond.body.errors).toEqual([
      expect.objectContaining({ message: `Document trop long : ${MAX_TOKENS} jetons au plus.`, extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'tokens', max: MAX_TOKENS } }),
    ]);
    expect(await t.prisma.signalement.count()).toBe(0);

    const atLimit = await post(t.app, w.agent.token, padded(MAX_TOKENS), variables);
    expect(atLimit.body.errors).toBeUndefined();
    expect(atLimit.body.data?.createSignalement.id).toBeTruthy();
    expect(await t.prisma.signalement.count()).toBe(1);
  });

  it(`coût : une page de ${PAGE_MAX} signalements complets passe, deux sont refusées ; un first en variable compte pour ${PAGE_MAX}`, async () => {
    const w = await createWorld(t);
    await createDraft(w.agent, w.parquet.code);
    const one = await post(t.app, w.agent.token, `{ ${fullPage('page', String(PAGE_MAX))} }`);
    expect(one.body.errors).toBeUndefined();
    expect(one.body.data?.page.edges).toHaveLength(1);

    const two = await post(t.app, w.agent.token, `{ ${fullPage('a', String(PAGE_MAX))} ${fullPage('b', String(PAGE_MAX))} }`);
    expect(two.body.data).toBeUndefined();
    expect(two.body.errors).toHaveLength(1);
    const error = two.body.errors![0]!;
    expect(error.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost', max: MAX_COST });
    expect(error.extensions!.found as number).toBeGreaterThan(MAX_COST);
    expect(error.message).toBe(
      `Requête trop coûteuse : coût estimé ${error.extensions!.found}, ${MAX_COST} au plus. Demandez moins d’éléments (first) ou moins de champs à la fois.`,
    );

    // Le coût ne dépend que du document : des pages petites écrites en littéral passent…
    const small = await post(t.app, w.agent.token, `{ ${fullPage('a', '10')} ${fullPage('b', '10')} }`);
    expect(small.body.errors).toBeUndefined();
    // … mais la même taille passée par variable compte pour le maximum.
    const byVariable = await post(t.app, w.agent.token, `query($n: Int!) { ${fullPage('a', '$n')} ${fullPage('b', '$n')} }`, { n: 10 });
    expect(limitsHit(byVariable)).toEqual(['cost']);
  });
});

describe('saisies', () => {
  it('le caractère nul (U+0000) est refusé, en variable comme en littéral, avec le chemin du champ ; rien n’est écrit', async () => {
    const w = await createWorld(t);
    const viaVariable = await post(t.app, w.agent.token, `mutation($input: SignalementInput!) { createSignalement(input: $input) { id } }`, {
      input: signalementInput(w.parquet.code, { title: 'Titre\u0000caché' }),
    });
    expect(viaVariable.status).toBe(400);
    expect(viaVariable.body.errors).toEqual([
      expect.objectContaining({
        message: 'Saisie invalide. Caractère nul (U+0000) interdit.',
        extensions: { code: 'BAD_USER_INPUT', fields: [{ field: 'input.title', message: 'Caractère nul (U+0000) interdit.' }] },
      }),
    ]);
    const viaLiteral = await post(t.app, w.agent.token, `{ signalements(first: 1, filter: { search: "a\\u0000b" }) { totalCount } }`);
    expect(viaLiteral.body.errors?.[0]?.extensions?.fields).toEqual([{ field: 'filter.search', message: 'Caractère nul (U+0000) interdit.' }]);
    expect(await t.prisma.signalement.count()).toBe(0);
  });
});

describe('pagination', () => {
  it(`toute connexion du schéma exige first (Int!), de 1 à ${PAGE_MAX}`, () => {
    const connections: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        if (!getNamedType(field.type).name.endsWith('Connection')) continue;
        connections.push(`${type.name}.${field.name}`);
        const first = field.args.find((arg) => arg.name === 'first');
        expect(first, `${type.name}.${field.name} sans argument first`).toBeDefined();
        expect(String(first!.type), `${type.name}.${field.name}(first)`).toBe('Int!');
      }
    }
    expect(connections).toContain('Query.signalements');
  });

  it(`first hors de 1…${PAGE_MAX} (0, négatif, ${PAGE_MAX + 1}) : BAD_USER_INPUT sur first, pour chaque connexion ; absent : refusé à la validation`, async () => {
    const w = await createWorld(t);
    const roots = Object.values(schema.getQueryType()!.getFields()).filter((field) => getNamedType(field.type).name.endsWith('Connection'));
    expect(roots.map((field) => field.name)).toContain('signalements');
    for (const root of roots) {
      for (const first of [0, -1, PAGE_MAX + 1]) {
        const r = await post(t.app, w.agent.token, `query($first: Int!) { ${root.name}(first: $first) { __typename } }`, { first });
        expect(r.body.errors?.[0]?.extensions, `${root.name}(first: ${first})`).toMatchObject({
          code: 'BAD_USER_INPUT',
          fields: [{ field: 'first', message: expect.stringContaining(`1 et ${PAGE_MAX}`) }],
        });
      }
      const max = await post(t.app, w.agent.token, `{ ${root.name}(first: ${PAGE_MAX}) { __typename } }`);
      expect(max.body.errors, `${root.name}(first: ${PAGE_MAX})`).toBeUndefined();
      const withoutFirst = await post(t.app, w.agent.token, `{ ${root.name} { __typename } }`);
      expect(codes(withoutFirst), root.name).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    }
  });
});

describe('production', () => {
  it('l’introspection est refusée (__schema, __type), __typename reste permis ; GRAPHQL_INTROSPECTION=true la rouvre', async () => {
    const production = appWith({ NODE_ENV: 'production' });
    for (const query of ['{ __schema { queryType { name } } }', '{ __type(name: "Signalement") { fields { name } } }']) {
      const r = await post(production, null, query);
      expect(r.body.data).toBeUndefined();
      expect(r.body.errors).toEqual([
        expect.objectContaining({
          message: 'L’introspection du schéma est désactivée : le schéma est publié avec la documentation de l’API.',
          extensions: { code: 'INTROSPECTION_DISABLED' },
        }),
      ]);
    }
    expect((await post(production, null, '{ __typename }')).body).toEqual({ data: { __typename: 'Query' } });

    const opened = await post(appWith({ NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true' }), null, '{ __schema { queryType { name } } }');
    expect(opened.body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
  });

  it('aucune suggestion « Did you mean » en production (champ, argument, valeur d’énumération en variable) ; en développement, si', async () => {
    const w = await createWorld(t);
    const probes: [string, Record<string, unknown>?][] = [
      ['{ me { displayNam } }'],
      ['{ signalements(firts: 1) { totalCount } }'],
      ['query($s: [SignalementStatus!]) { signalements(first: 1, filter: { status: $s }) { totalCount } }', { s: ['DRAFTT'] }],
    ];
    const production = appWith({ NODE_ENV: 'production' });
    const development = appWith({ NODE_ENV: 'development' });
    for (const [query, variables] of probes) {
      const hidden = await post(production, w.agent.token, query, variables);
      expect(hidden.body.errors?.length, query).toBeGreaterThan(0);
      expect(JSON.stringify(hidden.body), query).not.toMatch(/Did you mean|displayName|"DRAFT"/);
      const shown = await post(development, w.agent.token, query, variables);
      expect(JSON.stringify(shown.body), query).toMatch(/Did you mean/);
    }
  });

  it('GraphiQL n’est pas servi en production ; GRAPHIQL=true le sert', async () => {
    const page = async (app: App) => (await app.fetch(URL, { headers: { accept: 'text/html' } })).text();
    expect(await page(appWith({ NODE_ENV: 'production' }))).not.toContain('infoParquet — API GraphQL');
    expect(await page(appWith({ NODE_ENV: 'production', GRAPHIQL: 'true' }))).toContain('infoParquet — API GraphQL');
  });
});

describe('falsification de requêtes inter-sites (cookie de session)', () => {
  const CREATE = `mutation($input: SignalementInput!) { createSignalement(input: $input) { id } }`;

  it('un POST text/plain, multipart/form-data ou urlencoded authentifié par le cookie est refusé, et rien n’est créé', async () => {
    const w = await createWorld(t);
    const json = JSON.stringify({ query: CREATE, variables: { input: signalementInput(w.parquet.code) } });
    const form = new FormData();
    form.set('operations', json);
    form.set('map', '{}');
    const bodies: [string, BodyInit, Record<string, string>][] = [
      ['text/plain', json, { 'content-type': 'text/plain' }],
      ['multipart/form-data', form, {}],
      ['application/x-www-form-urlencoded', new URLSearchParams({ query: CREATE }), {}],
    ];
    for (const [label, body, headers] of bodies) {
      const r = await reply(await t.app.fetch(URL, { method: 'POST', headers: { cookie: `ip_session=${w.agent.token}`, ...headers }, body }));
      expect(r.status, label).toBe(403);
      expect(r.body.errors?.[0]?.extensions?.code, label).toBe('CSRF_REFUSED');
      expect(r.body.errors?.[0]?.message, label).toContain('X-InfoParquet-CSRF');
    }
    expect(await t.prisma.signalement.count()).toBe(0);

    // Le même POST en application/json (qu'un autre site ne peut envoyer sans requête préliminaire CORS) passe.
    const allowed = await reply(await t.app.fetch(URL, { method: 'POST', headers: { cookie: `ip_session=${w.agent.token}`, 'content-type': 'application/json' }, body: json }));
    expect(allowed.body.data?.createSignalement.id).toBeTruthy();
    expect(await t.prisma.signalement.count()).toBe(1);
  });

  it('un GET authentifié par le cookie est refusé, sauf avec l’en-tête X-InfoParquet-CSRF ; avec un jeton Bearer il passe', async () => {
    const w = await createWorld(t);
    const url = `${URL}?query=${encodeURIComponent('{ me { email } }')}`;
    const refused = await reply(await t.app.fetch(url, { headers: { cookie: `ip_session=${w.agent.token}` } }));
    expect(refused.status).toBe(403);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('CSRF_REFUSED');

    const withHeader = await reply(await t.app.fetch(url, { headers: { cookie: `ip_session=${w.agent.token}`, 'x-infoparquet-csrf': '1' } }));
    expect(withHeader.body.data?.me.email).toMatch(/@test\.infoparquet$/);
    const withBearer = await reply(await t.app.fetch(url, { headers: { authorization: `Bearer ${w.agent.token}` } }));
    expect(withBearer.body.data?.me.email).toMatch(/@test\.infoparquet$/);
  });

  it('une mutation en GET est refusée (405), même avec un jeton, et rien n’est créé', async () => {
    const w = await createWorld(t);
    const input = JSON.stringify(signalementInput(w.parquet.code));
    const url = `${URL}?query=${encodeURIComponent(CREATE)}&variables=${encodeURIComponent(JSON.stringify({ input: JSON.parse(input) }))}`;
    const r = await reply(await t.app.fetch(url, { headers: { authorization: `Bearer ${w.agent.token}`, 'x-infoparquet-csrf': '1' } }));
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('POST');
    expect(await t.prisma.signalement.count()).toBe(0);
  });
});

describe('CORS', () => {
  it('une origine étrangère ne reçoit aucun Access-Control-Allow-Origin ; l’application web, le sien avec les cookies', async () => {
    const preflight = (origin: string) =>
      t.app.fetch(URL, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    const simple = (origin: string) => t.app.fetch(URL, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    for (const origin of ['https://malveillant.example', 'null', 'http://127.0.0.1:3001']) {
      for (const response of [await preflight(origin), await simple(origin)]) {
        expect(response.headers.get('access-control-allow-origin'), origin).toBeNull();
        expect(response.headers.get('access-control-allow-credentials'), origin).toBeNull();
      }
    }
    for (const response of [await preflight('http://127.0.0.1:3000'), await simple('http://127.0.0.1:3000')]) {
      expect(response.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:3000');
      expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    }
  });
});

describe('taille des requêtes et durée d’exécution', () => {
  it(`un corps de plus de ${MAX_BODY_BYTES / 1024} Ko est refusé (413), annoncé ou envoyé par morceaux ; juste en deçà, il passe`, async () => {
    const w = await createWorld(t);
    const api = await startInstance();
    const body = (bytes: number) => {
      const empty = JSON.stringify({ query: '{ me { email } }', variables: { padding: '' } });
      return JSON.stringify({ query: '{ me { email } }', variables: { padding: 'x'.repeat(bytes - empty.length) } });
    };
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${w.agent.token}` };
    const under = await reply(await fetch(api.url, { method: 'POST', headers, body: body(MAX_BODY_BYTES) }));
    expect(under.body.data?.me.email).toMatch(/@test\.infoparquet$/);

    const over = await reply(await fetch(api.url, { method: 'POST', headers, body: body(MAX_BODY_BYTES + 1) }));
    expect(over.status).toBe(413);
    expect(over.body.errors).toEqual([
      { message: `Requête trop volumineuse : ${MAX_BODY_BYTES / 1024} Ko au plus.`, extensions: { code: 'PAYLOAD_TOO_LARGE', maxBytes: MAX_BODY_BYTES } },
    ]);

    // Sans Content-Length (Transfer-Encoding: chunked), la limite est comptée à mesure.
    const chunked = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const target = new globalThis.URL(api.url);
      const req = httpRequest(
        { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { ...headers, 'transfer-encoding': 'chunked' } },
        (res) => {
          let text = '';
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, text }));
        },
      );
      req.on('error', reject);
      const whole = body(MAX_BODY_BYTES * 3);
      for (let offset = 0; offset < whole.length; offset += 16 * 1024) req.write(whole.slice(offset, offset + 16 * 1024));
      req.end();
    });
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.text).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('une lecture qui dépasse GRAPHQL_EXECUTION_TIMEOUT_MS est interrompue (EXECUTION_TIMEOUT, 503) ; une mutation lente va au bout', async () => {
    // Un petit schéma à résolveurs lents (aucun dans le schéma de production), les greffons de l'API.
    let slowFinished = false;
    const slowSchema = createSchema({
      typeDefs: 'type Query { slow: String! fast: String! } type Mutation { slowWrite: String! }',
      resolvers: {
        Query: { slow: async () => { await sleep(400); slowFinished = true; return 'fini'; }, fast: () => 'vite' },
        Mutation: { slowWrite: async () => { await sleep(150); return 'écrit'; } },
      },
    });
    const env = readEnv({ NODE_ENV: 'test', GRAPHQL_EXECUTION_TIMEOUT_MS: '50' });
    const yoga = createYoga({ schema: slowSchema, plugins: securityPlugins(env, null) as Plugin[], logging: false });
    const run = async (query: string) => reply(await yoga.fetch(URL, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) }));

    const started = Date.now();
    const slow = await run('{ fast slow }');
    expect(Date.now() - started).toBeLessThan(300);
    expect(slow.status).toBe(503);
    expect(slow.body.errors).toEqual([
      expect.objectContaining({ message: 'Délai d’exécution dépassé : la requête a été interrompue après 0,05 s. Demandez moins de données à la fois.', extensions: { code: 'EXECUTION_TIMEOUT', timeoutMs: 50 } }),
    ]);
    expect(slowFinished).toBe(false);

    expect((await run('{ fast }')).body).toEqual({ data: { fast: 'vite' } });
    expect((await run('mutation { slowWrite }')).body).toEqual({ data: { slowWrite: 'écrit' } });
  });
});

describe('WebSocket', () => {
  it('les mêmes limites de document s’appliquent ; l’opération refusée répond une erreur, la socket sert la suite', async () => {
    const api = await startInstance();
    const w = await createWorld(t);
    const bomb = `{ ${Array.from({ length: MAX_ALIASES + 1 }, (_, i) => `m${i}: me { id }`).join(' ')} }`;
    const refused = subscribe(api.url, w.agent.token, bomb);
    await until(() => refused.errors.length > 0, 3000, () => 'aucune erreur pour le document refusé');
    expect(refused.errors.flat()).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'QUERY_TOO_COMPLEX', limit: 'aliases' }) })]);
    const syntax = subscribe(api.url, w.agent.token, '{ me { id ');
    await until(() => syntax.errors.length > 0, 3000, () => 'aucune erreur pour le document mal formé');
    expect(syntax.closed).toBeNull();

    const fine = subscribe(api.url, w.agent.token, '{ me { email } }');
    const [data] = await fine.waitFor(1);
    expect(data!.me.email).toMatch(/@test\.infoparquet$/);
    expect(refused.closed).toBeNull();
  });

  it(`un message de plus de ${MAX_BODY_BYTES / 1024} Ko ferme la socket (1009)`, async () => {
    const api = await startInstance();
    const w = await createWorld(t);
    // graphql-ws trace l'erreur de ws (« Max payload size exceeded ») avant la fermeture : attendue ici.
    const traced = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const huge = subscribe(api.url, w.agent.token, `{ me { id } }`, { padding: 'x'.repeat(MAX_BODY_BYTES + 1) });
      expect((await huge.waitClosed()).code).toBe(1009);
    } finally {
      traced.mockRestore();
    }
  });
});

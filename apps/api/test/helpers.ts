import { createPrismaClient, type OrganizationKind, type Prisma, type PrismaClient, type Role } from '@infoparquet/db';
import { signalementInputSchema } from '@infoparquet/validation';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeEach, expect } from 'vitest';
import type { z } from 'zod';
import { buildApp, type App } from '../src/app.js';
import { hashPassword } from '../src/domains/auth/password.js';
import { hashToken, newSessionToken } from '../src/domains/auth/sessions.js';
import { readEnv } from '../src/env.js';
import { createRealtime } from '../src/realtime/index.js';
import { testDatabaseUrl } from './database.js';

/**
 * Outils des tests d'intégration : une application GraphQL appelée en mémoire (`app.fetch`) sur
 * le vrai PostgreSQL de test, vidé avant chaque test, des fabriques par domaine et un client
 * `asUser` qui présente le jeton d'une session ouverte pour l'occasion.
 */
export interface GraphQLResponse<Data = Record<string, any>> {
  data?: Data | null;
  errors?: { message: string; path?: string[]; extensions?: { code?: string; fields?: { field: string; message: string }[] } & Record<string, unknown> }[];
}

export interface TestClient {
  gql<Data = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<Data>>;
}

export interface TestContext {
  prisma: PrismaClient;
  app: App;
  /** Requêtes SQL envoyées depuis le dernier `resetQueryLog()`. */
  queries: string[];
  resetQueryLog(): void;
  anonymous: TestClient;
  clientWithToken(token: string): TestClient;
}

/** À appeler au début d'un fichier de test : base vidée avant chaque test, client fermé à la fin. */
export function setupIntegration(): TestContext {
  const queries: string[] = [];
  const prisma = createPrismaClient(testDatabaseUrl(), { maxConnections: 10, onQuery: (sql) => queries.push(sql) });
  const env = readEnv({ ...process.env, NODE_ENV: 'test' });
  // Signaux dans le processus : ces tests appellent l'application en mémoire, sans socket.
  const realtime = createRealtime(prisma, { pollIntervalMs: 60_000 });
  const app = buildApp({ prisma, env, realtime });
  const clientWithToken = (token: string | null): TestClient => ({
    async gql(query, variables) {
      const response = await app.fetch('http://infoparquet.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphQLResponse<any>;
    },
  });
  beforeEach(async () => {
    await resetDatabase(prisma);
    queries.length = 0;
  });
  afterAll(async () => {
    await realtime.close();
    await prisma.$disconnect();
  });
  return {
    prisma,
    app,
    queries,
    resetQueryLog: () => {
      queries.length = 0;
    },
    anonymous: clientWithToken(null),
    clientWithToken,
  };
}

/** Vide toutes les tables sauf la table paramétrable des motifs de classement. */
export async function resetDatabase(prisma: PrismaClient): Promise<void> {
  await prisma.$executeRawUnsafe(
    'TRUNCATE audit_event, audit_pending, piece, message, decision, status_change, reference_counter, signalement, signalement_tombstone, ' +
      'digest_item, outgoing_email, notification_cursor, notification_preference, webhook_delivery, webhook_endpoint, api_token, ' +
      'session, app_user, organization RESTART IDENTITY CASCADE',
  );
}

// ——— Fabriques ———

let sequence = 0;
const next = () => (sequence += 1);

export async function createOrganization(prisma: PrismaClient, kind: OrganizationKind, code?: string) {
  const n = next();
  const letters = String.fromCharCode(65 + (n % 26)) + String.fromCharCode(65 + (Math.floor(n / 26) % 26));
  const finalCode = code ?? (kind === 'PARQUET' ? `PARQUET${letters}` : `ADM-${n}`);
  return prisma.organization.create({
    data: {
      kind,
      code: finalCode,
      name: kind === 'PARQUET' ? `Parquet de test ${finalCode}` : `Administration de test ${finalCode}`,
      departement: '77',
    },
  });
}

// Empreinte peu coûteuse : les paramètres sont dans l'empreinte, la vérification les relit.
let cheapHash: Promise<string> | undefined;
export const TEST_PASSWORD = 'mot-de-passe-de-test';

export async function createUser(prisma: PrismaClient, organizationId: string, role: Role, email?: string) {
  cheapHash ??= hashPassword(TEST_PASSWORD, { N: 1024, r: 8, p: 1 });
  const n = next();
  return prisma.user.create({
    data: {
      email: email ?? `utilisateur${n}@test.infoparquet`,
      firstName: 'Prénom',
      lastName: `Nom${n}`,
      role,
      organizationId,
      passwordHash: await cheapHash,
    },
  });
}

/** Ouvre une session pour un utilisateur et renvoie son jeton. */
export async function openSession(prisma: PrismaClient, userId: string, expiresAt = new Date(Date.now() + 3600_000)): Promise<string> {
  const token = newSessionToken();
  await prisma.session.create({ data: { tokenHash: hashToken(token), userId, expiresAt, createdAt: new Date(Math.min(Date.now(), expiresAt.getTime() - 1000)) } });
  return token;
}

export interface Actor {
  user: { id: string; organizationId: string; role: Role };
  token: string;
  client: TestClient;
}

/** Un utilisateur du rôle donné dans l'organisation donnée, avec sa session et son client. */
export async function asUser(t: TestContext, organizationId: string, role: Role): Promise<Actor> {
  const user = await createUser(t.prisma, organizationId, role);
  const token = await openSession(t.prisma, user.id);
  return { user, token, client: t.clientWithToken(token) };
}

/** Un monde de test : deux administrations, deux parquets, et chaque rôle dans chacun. */
export async function createWorld(t: TestContext) {
  const administration = await createOrganization(t.prisma, 'ADMINISTRATION');
  const otherAdministration = await createOrganization(t.prisma, 'ADMINISTRATION');
  const parquet = await createOrganization(t.prisma, 'PARQUET');
  const otherParquet = await createOrganization(t.prisma, 'PARQUET');
  const platform = await createOrganization(t.prisma, 'PLATFORM', 'PLATEFORME');
  return {
    administration,
    otherAdministration,
    parquet,
    otherParquet,
    agent: await asUser(t, administration.id, 'AGENT'),
    manager: await asUser(t, administration.id, 'MANAGER'),
    reader: await asUser(t, administration.id, 'READER'),
    otherAgent: await asUser(t, otherAdministration.id, 'AGENT'),
    otherManager: await asUser(t, otherAdministration.id, 'MANAGER'),
    clerk: await asUser(t, parquet.id, 'CLERK'),
    prosecutor: await asUser(t, parquet.id, 'PROSECUTOR'),
    head: await asUser(t, parquet.id, 'HEAD'),
    otherClerk: await asUser(t, otherParquet.id, 'CLERK'),
    otherProsecutor: await asUser(t, otherParquet.id, 'PROSECUTOR'),
    platformAdmin: await asUser(t, platform.id, 'PLATFORM_ADMIN'),
  };
}
export type World = Awaited<ReturnType<typeof createWorld>>;

export function signalementInput(parquetCode: string | null, overrides: Partial<z.input<typeof signalementInputSchema>> = {}) {
  return {
    parquetCode,
    title: 'Tromperie sur la marchandise',
    facts: 'Lors du contrôle du 12 mars, des étiquettes « origine France » ont été constatées sur des produits importés.',
    factsDate: 'Mars 2026',
    places: ['77288'],
    natinfCodes: ['7111'],
    persons: [{ kind: 'LEGAL', role: 'SUSPECT', legalName: 'Société Exemple SARL', siren: '130025265' }],
    externalReference: 'REF-INTERNE-1',
    urgent: false,
    ...overrides,
  };
}

export const SIGNALEMENT_FIELDS = `id reference status urgent urgencyReason title contentHash transmittedAt parquetNumber version
  administration { code } parquet { code } decision { kind reasons dismissalReason { code label } }
  history { action fromStatus toStatus comment actor { displayName } organization { code } }`;

/** Crée un brouillon par l'API et renvoie son identifiant global. */
export async function createDraft(actor: Actor, parquetCode: string | null, overrides: Partial<z.input<typeof signalementInputSchema>> = {}): Promise<string> {
  const result = await actor.client.gql<{ createSignalement: { id: string } }>(
    `mutation($input: SignalementInput!) { createSignalement(input: $input) { id } }`,
    { input: signalementInput(parquetCode, overrides) },
  );
  if (!result.data?.createSignalement) throw new Error(`Création impossible : ${JSON.stringify(result.errors)}`);
  return result.data.createSignalement.id;
}

/** Transmet un brouillon par l'API et renvoie sa référence. */
export async function transmitDraft(actor: Actor, id: string): Promise<string> {
  const result = await actor.client.gql<{ transmitSignalement: { reference: string } }>(
    `mutation($id: ID!) { transmitSignalement(id: $id) { reference } }`,
    { id },
  );
  if (!result.data?.transmitSignalement) throw new Error(`Transmission impossible : ${JSON.stringify(result.errors)}`);
  return result.data.transmitSignalement.reference;
}

/** Le code d'erreur de la première erreur, pour des assertions lisibles. */
export function errorCode(response: GraphQLResponse): string | undefined {
  return response.errors?.[0]?.extensions?.code;
}

/** L'identifiant interne (uuid) d'un identifiant global Relay (`Type:uuid` en base64). */
export function uuidOf(globalId: string): string {
  return Buffer.from(globalId, 'base64').toString('utf8').split(':')[1]!;
}

/** Une opération qui doit réussir : aucune erreur, et ses données. */
export async function gqlOk(actor: Actor, query: string, variables: Record<string, unknown> = {}) {
  const response = await actor.client.gql(query, variables);
  expect(response.errors).toBeUndefined();
  return response.data!;
}

const API_DIR = path.resolve(import.meta.dirname, '..');

/** Lance une commande de l'API (`src/scripts/…`), comme l'exploitant, sur la base de test. */
export function runApiScript(
  script: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', script, ...args], {
      cwd: API_DIR,
      env: { ...process.env, DATABASE_URL: testDatabaseUrl(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Une transaction tenue ouverte après son travail, pour simuler un commit tardif : `written` se
 * résout quand le travail est fait (pas encore validé), `commit()` la laisse valider et rend sa fin.
 */
export function heldTransaction(prisma: PrismaClient, work: (tx: Prisma.TransactionClient) => Promise<unknown>) {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let worked!: () => void;
  const done = new Promise<void>((resolve) => (worked = resolve));
  const committed = prisma.$transaction(
    async (tx) => {
      await work(tx);
      worked();
      await held;
    },
    { timeout: 20_000 },
  );
  return {
    // Si le travail échoue, `written` le dit au lieu d'attendre sans fin.
    written: Promise.race([done, committed.then(() => undefined)]),
    commit: () => {
      release();
      return committed;
    },
  };
}

import type { Agent } from 'node:http';
import type pg from 'pg';
import WebSocket from 'ws';
import type { Viewer } from '../../apps/api/src/domains/auth/sessions.js';
import { project, type Feed } from '../../apps/api/src/realtime/hub.js';
import type { LoggedEvent } from '../../apps/api/src/realtime/events.js';
import { gql, GraphQLError } from './http.js';
import { sleep } from './stats.js';
import { signalementInput, type Account, type Org } from './world.js';

/**
 * Outils des exercices de panne : des écrans qui se reconnectent et reprennent à leur curseur
 * (comme l'application web, apps/web/src/graphql/UrqlProvider.tsx), des agents qui transmettent
 * en boucle en changeant d'instance quand la leur ne répond plus (comme derrière un répartiteur
 * de charge), et le calcul, depuis le journal en base, de ce que chaque écran aurait dû recevoir.
 */

/** Le Viewer (domains/auth/sessions.ts) d'un compte du banc, pour rejouer la projection du diffuseur. */
export function viewerOf(account: Account, org: Org, kind: 'PARQUET' | 'ADMINISTRATION'): Viewer {
  return { userId: account.userId, sessionId: '', role: account.role as Viewer['role'], organizationId: org.id, organizationKind: kind, organizationCode: org.code };
}

export const SCREEN_QUERIES = {
  urgentQueueChanged: `subscription($after: String) { urgentQueueChanged(after: $after) { cursor kind at signalementId } }`,
  signalementEvents: `subscription($after: String) { signalementEvents(after: $after) { cursor kind at signalementId } }`,
} as const;

export type ScreenFeed = keyof typeof SCREEN_QUERIES;

export interface ReceivedEvent {
  cursor: bigint;
  kind: string;
  at: number;
  receivedAt: number;
  /** Instance (index dans la liste des adresses) qui l'a envoyé. */
  instance: number;
}

/** Un écran : une WebSocket graphql-ws, un abonnement, reprise au dernier curseur après une coupure. */
export class LiveScreen {
  readonly events: ReceivedEvent[] = [];
  reconnections = 0;
  closures: { at: number; code: number }[] = [];
  current = -1;
  private socket: WebSocket | null = null;
  private stopped = false;
  private lastCursor: string;

  constructor(
    readonly name: string,
    readonly viewer: Viewer,
    private readonly token: string,
    readonly feed: ScreenFeed,
    private readonly urls: string[],
    startCursor: bigint,
    private readonly preferred: number,
  ) {
    this.lastCursor = startCursor.toString();
  }

  start(): Promise<void> {
    return this.connect(this.preferred);
  }

  get instance(): number {
    return this.current;
  }

  private connect(index: number): Promise<void> {
    return new Promise((resolve) => {
      const url = this.urls[index % this.urls.length]!.replace(/^http/, 'ws');
      const socket = new WebSocket(url, 'graphql-transport-ws');
      this.socket = socket;
      let opened = false;
      socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${this.token}` } })));
      socket.on('message', (data: Buffer) => {
        const message = JSON.parse(data.toString('utf8')) as { type: string; payload?: any };
        if (message.type === 'connection_ack') {
          opened = true;
          this.current = index % this.urls.length;
          socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: SCREEN_QUERIES[this.feed], variables: { after: this.lastCursor } } }));
          resolve();
        } else if (message.type === 'next') {
          const event = message.payload?.data?.[this.feed];
          if (!event) return;
          this.lastCursor = event.cursor;
          this.events.push({ cursor: BigInt(event.cursor), kind: event.kind, at: Date.parse(event.at), receivedAt: Date.now(), instance: this.current });
        } else if (message.type === 'ping') {
          socket.send('{"type":"pong"}');
        }
      });
      socket.on('error', () => {});
      socket.on('close', (code) => {
        this.closures.push({ at: Date.now(), code });
        if (!opened) resolve();
        if (this.stopped) return;
        // Reprise : l'instance suivante (le répartiteur de charge écarte celle qui ne répond plus).
        this.reconnections += 1;
        void sleep(200).then(() => (this.stopped ? undefined : this.connect(index + 1)));
      });
    });
  }

  stop(): void {
    this.stopped = true;
    this.socket?.terminate();
  }
}

/** Une ligne du journal telle que la lit le diffuseur (hub.ts). */
export async function loggedEventsAfter(db: pg.Pool | pg.ClientBase, after: bigint): Promise<LoggedEvent[]> {
  const { rows } = await db.query(
    `SELECT id, at, actor_id, action, signalement_id, administration_id, parquet_id, internal, before, after
     FROM audit_event WHERE id > $1 ORDER BY id`,
    [after.toString()],
  );
  return rows.map((row) => ({
    id: BigInt(row.id as string),
    at: row.at as Date,
    actorId: row.actor_id as string | null,
    action: row.action as string,
    signalementId: row.signalement_id as string | null,
    administrationId: row.administration_id as string | null,
    parquetId: row.parquet_id as string | null,
    internal: row.internal as boolean,
    before: row.before,
    after: row.after,
  }));
}

/** Ce que chaque écran aurait dû recevoir (la projection même du diffuseur), comparé à ce qu'il a reçu. */
export function compareScreens(screens: LiveScreen[], events: LoggedEvent[]) {
  let expectedTotal = 0;
  let missingTotal = 0;
  let duplicateTotal = 0;
  let unexpectedTotal = 0;
  const details: string[] = [];
  for (const screen of screens) {
    const feed: Feed = screen.feed === 'urgentQueueChanged' ? { name: 'urgentQueueChanged' } : { name: 'signalementEvents', signalementId: null };
    const expected = new Set(events.map((event) => project(event, screen.viewer, feed)).filter((e) => e !== null).map((e) => e!.id));
    const received = screen.events.map((e) => e.cursor);
    const receivedSet = new Set(received);
    const missing = [...expected].filter((id) => !receivedSet.has(id));
    const unexpected = [...receivedSet].filter((id) => !expected.has(id));
    const duplicates = received.length - receivedSet.size;
    expectedTotal += expected.size;
    missingTotal += missing.length;
    duplicateTotal += duplicates;
    unexpectedTotal += unexpected.length;
    if (missing.length || duplicates || unexpected.length) {
      details.push(`${screen.name} : ${missing.length} manquant(s) (${missing.slice(0, 5).join(', ')}), ${duplicates} en double, ${unexpected.length} inattendu(s)`);
    }
  }
  return { expectedTotal, missingTotal, duplicateTotal, unexpectedTotal, details };
}

/** Attend que chaque écran ait reçu ce qu'il devait (ou le délai), et rend la comparaison. */
export async function settleScreens(db: pg.Pool, screens: LiveScreen[], from: bigint, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = compareScreens(screens, await loggedEventsAfter(db, from));
    if (result.missingTotal === 0 || Date.now() > deadline) return result;
    await sleep(250);
  }
}

export interface WriterRecord {
  /** Transmissions dont l'agent a reçu la référence : id → référence. */
  acknowledged: Map<string, string>;
  /** Brouillons dont la transmission a échoué ou est restée sans réponse (issue à vérifier en base). */
  uncertain: Set<string>;
  /** Instants (epoch ms) des succès et des erreurs. */
  successes: number[];
  errors: { at: number; instance: number; kind: string; ms: number }[];
}

export function newWriterRecord(): WriterRecord {
  return { acknowledged: new Map(), uncertain: new Set(), successes: [], errors: [] };
}

const CREATE = `mutation($input: SignalementInput!) { createSignalement(input: $input) { id } }`;
const TRANSMIT = `mutation($id: ID!) { transmitSignalement(id: $id) { id reference } }`;

const internalOf = (globalId: string) => Buffer.from(globalId, 'base64').toString('utf8').replace(/^Signalement:/, '');

function kindOf(error: unknown): string {
  if (error instanceof GraphQLError) return `${error.kind} ${error.code ?? ''} ${error.message}`.slice(0, 140);
  return String((error as Error)?.message ?? error).slice(0, 140);
}

/**
 * Un agent qui crée et transmet en boucle jusqu'à `until()`. Il parle à son instance ; si elle ne
 * répond plus (erreur réseau), il passe à la suivante, comme un répartiteur de charge. Une erreur
 * GraphQL (base indisponible…) le fait réessayer un peu plus tard sur la même instance.
 */
export async function writerLoop(options: {
  urls: string[];
  start: number;
  token: string;
  parquetCodes: string[];
  urgentShare: number;
  agent: Agent;
  record: WriterRecord;
  until: () => boolean;
  pauseMs?: number;
}) {
  let instance = options.start;
  let n = 0;
  while (!options.until()) {
    const url = options.urls[instance % options.urls.length]!;
    n += 1;
    const parquet = options.parquetCodes[n % options.parquetCodes.length]!;
    let draft: string | null = null;
    const began = Date.now();
    try {
      const created = await gql<{ createSignalement: { id: string } }>(url, options.token, CREATE, { input: signalementInput(parquet, n, Math.random() < options.urgentShare) }, options.agent);
      draft = created.createSignalement.id;
      const sent = await gql<{ transmitSignalement: { id: string; reference: string } }>(url, options.token, TRANSMIT, { id: draft }, options.agent);
      options.record.acknowledged.set(internalOf(sent.transmitSignalement.id), sent.transmitSignalement.reference);
      options.record.successes.push(Date.now());
    } catch (error) {
      if (draft) options.record.uncertain.add(internalOf(draft));
      options.record.errors.push({ at: Date.now(), instance: instance % options.urls.length, kind: kindOf(error), ms: Date.now() - began });
      if (error instanceof GraphQLError && error.kind === 'network') instance += 1;
      await sleep(100);
    }
    if (options.pauseMs) await sleep(options.pauseMs);
  }
}

/** Chaque transmission est atomique : signalement transmis ⇔ étape « transmit » ⇔ événement d'audit. */
export async function checkAtomicity(db: pg.Pool): Promise<string[]> {
  const { rows } = await db.query<{ problem: string; n: number }>(`
    SELECT 'transmis sans événement TRANSMITTED' AS problem, count(*)::int AS n FROM signalement s
      WHERE s.reference IS NOT NULL AND NOT EXISTS (SELECT 1 FROM audit_event e WHERE e.target_id = s.id::text AND e.action = 'SIGNALEMENT_TRANSMITTED')
    UNION ALL
    SELECT 'transmis sans étape transmit', count(*)::int FROM signalement s
      WHERE s.reference IS NOT NULL AND NOT EXISTS (SELECT 1 FROM status_change c WHERE c.signalement_id = s.id AND c.action = 'transmit')
    UNION ALL
    SELECT 'événement TRANSMITTED sans signalement transmis', count(*)::int FROM audit_event e
      WHERE e.action = 'SIGNALEMENT_TRANSMITTED' AND NOT EXISTS (SELECT 1 FROM signalement s WHERE s.id::text = e.target_id AND s.reference IS NOT NULL)`);
  return rows.filter((r) => r.n > 0).map((r) => `${r.n} ${r.problem}`);
}

import type { PrismaClient } from '@infoparquet/db';
import type { Viewer } from '../domains/auth/sessions.js';
import { isParquetStaff } from '../domains/signalements/permissions.js';
import {
  LIFECYCLE_ACTIONS,
  LOGGED_EVENT_SELECT,
  statusesOf,
  urgentQueueEffects,
  visibleSignalementEvent,
  type LoggedEvent,
  type SignalementEventKind,
  type UrgentQueueEventKind,
} from './events.js';

/** Ce que reçoit un abonné : l'événement du journal, vu par lui. */
export interface LiveEvent {
  cursor: string;
  id: bigint;
  kind: SignalementEventKind | UrgentQueueEventKind;
  signalementId: string;
  actorId: string | null;
  at: Date;
  fromStatus: string | null;
  toStatus: string | null;
}

export type Feed =
  | { name: 'urgentQueueChanged' }
  | { name: 'signalementEvents'; signalementId: string | null };

const BATCH = 500;

/** Ce qu'un abonné voit d'un événement du journal, ou `null` s'il ne le voit pas. */
export function project(event: LoggedEvent, viewer: Viewer, feed: Feed): LiveEvent | null {
  let kind: LiveEvent['kind'] | null = null;
  if (feed.name === 'urgentQueueChanged') {
    if (!isParquetStaff(viewer)) return null;
    kind = urgentQueueEffects(event).find((effect) => effect.parquetId === viewer.organizationId)?.kind ?? null;
  } else {
    if (feed.signalementId && event.signalementId !== feed.signalementId) return null;
    kind = visibleSignalementEvent(event, viewer);
  }
  if (!kind || !event.signalementId) return null;
  return {
    cursor: event.id.toString(),
    id: event.id,
    kind,
    signalementId: event.signalementId,
    actorId: event.actorId,
    at: event.at,
    ...statusesOf(event),
  };
}

/**
 * Un abonnement : une file d'événements dans l'ordre du journal. Il rattrape d'abord, depuis la
 * base, tout ce qui suit son curseur, puis passe au direct ; la couture est sans trou ni doublon
 * parce qu'un événement n'est délivré que si son identifiant dépasse la position de l'abonné.
 */
export class HubSubscription implements AsyncIterable<LiveEvent> {
  position: bigint;
  live = false;
  closed = false;
  /** Audience : même organisation, même rôle, même flux ; elle partage le calcul d'un événement. */
  readonly audienceKey: string;
  /** Résolue à la fermeture de l'abonnement. */
  readonly ended: Promise<void>;
  private endedResolve!: () => void;
  private queue: LiveEvent[] = [];
  private waiting: ((result: IteratorResult<LiveEvent>) => void) | null = null;
  private listener: ((event: LiveEvent) => void) | null = null;

  constructor(
    readonly viewer: Viewer,
    readonly feed: Feed,
    position: bigint,
    private readonly onClose: (subscription: HubSubscription) => void,
  ) {
    this.position = position;
    const filter = feed.name === 'signalementEvents' ? (feed.signalementId ?? '*') : '';
    this.audienceKey = `${feed.name}|${viewer.organizationId}|${viewer.role}|${filter}`;
    this.ended = new Promise((resolve) => (this.endedResolve = resolve));
  }

  push(event: LiveEvent): void {
    if (this.closed || event.id <= this.position) return;
    this.position = event.id;
    if (this.listener) {
      this.listener(event);
    } else if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ value: event, done: false });
    } else {
      this.queue.push(event);
    }
  }

  /**
   * Remplace l'itération par un rappel synchrone, appelé dans l'ordre pour ce qui attend déjà (le
   * rattrapage) puis pour chaque événement : ni promesse ni microtâche par événement et par écran.
   */
  listen(listener: (event: LiveEvent) => void): void {
    const backlog = this.queue;
    this.queue = [];
    for (const event of backlog) listener(event);
    this.listener = listener;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
    this.listener = null;
    this.waiting?.({ value: undefined, done: true });
    this.waiting = null;
    this.endedResolve();
  }

  [Symbol.asyncIterator](): AsyncIterator<LiveEvent> {
    return {
      next: () => {
        const value = this.queue.shift();
        if (value) return Promise.resolve({ value, done: false });
        if (this.closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (this.waiting = resolve));
      },
      return: () => {
        this.close();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}

/**
 * Le diffuseur d'une instance de l'API : il lit le journal d'audit dans l'ordre (les identifiants
 * suivent l'ordre des commits, voir domains/audit/chain.ts) et distribue chaque événement aux
 * abonnés de l'instance qui peuvent le voir. Il est réveillé après chaque commit, par cette
 * instance ou une autre (Redis), et relit de toute façon le journal à intervalle régulier : un
 * réveil perdu retarde un événement, il ne le perd jamais.
 */
export class EventHub {
  private lastDispatched = 0n;
  private readonly subscriptions = new Set<HubSubscription>();
  private pumping: Promise<void> | null = null;
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private started = false;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly options: { pollIntervalMs: number },
  ) {}

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const last = await this.prisma.auditEvent.findFirst({ orderBy: { id: 'desc' }, select: { id: true } });
    this.lastDispatched = last?.id ?? 0n;
    this.timer = setInterval(() => this.wake(), this.options.pollIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    for (const subscription of [...this.subscriptions]) subscription.close();
  }

  get subscriberCount(): number {
    return this.subscriptions.size;
  }

  /** Quelque chose a été écrit : relire le journal (les réveils se regroupent). */
  wake(): void {
    if (this.pumping) {
      this.dirty = true;
      return;
    }
    this.pumping = this.pump()
      .catch((error: unknown) => console.error('[temps réel] lecture du journal impossible', error))
      .finally(() => {
        this.pumping = null;
        if (this.dirty) {
          this.dirty = false;
          this.wake();
        }
      });
  }

  /** Attend que le journal soit lu jusqu'au bout (pour les tests et l'arrêt). */
  async settle(): Promise<void> {
    while (this.pumping) await this.pumping;
  }

  private async pump(): Promise<void> {
    for (;;) {
      // Une seule lecture : les identifiants du journal sont attribués sous le verrou de la chaîne,
      // tenu jusqu'au commit (domains/audit/chain.ts). Ce qui est visible est donc toujours un début
      // du journal ; rien n'apparaît plus tard sous un identifiant déjà dépassé.
      const events = await this.prisma.auditEvent.findMany({
        where: { id: { gt: this.lastDispatched }, action: { in: LIFECYCLE_ACTIONS } },
        orderBy: { id: 'asc' },
        take: BATCH,
        select: LOGGED_EVENT_SELECT,
      });
      // Distribution et avancée de la position dans le même tour de boucle, sans attente.
      for (const event of events) this.dispatch(event);
      if (events.length > 0) this.lastDispatched = events.at(-1)!.id;
      if (events.length < BATCH) return;
    }
  }

  private dispatch(event: LoggedEvent): void {
    // Une projection par audience et non par écran : même objet pour tous (le cache des résultats s'y accroche).
    const projections = new Map<string, LiveEvent | null>();
    for (const subscription of this.subscriptions) {
      if (!subscription.live) continue;
      let projected = projections.get(subscription.audienceKey);
      if (projected === undefined) {
        projected = project(event, subscription.viewer, subscription.feed);
        projections.set(subscription.audienceKey, projected);
      }
      if (projected) subscription.push(projected);
      else if (event.id > subscription.position) subscription.position = event.id;
    }
  }

  /**
   * Ouvre un abonnement. Avec un curseur, l'abonné reçoit d'abord, dans l'ordre, tout ce qu'il
   * peut voir depuis ce curseur, puis le direct.
   */
  async subscribe(viewer: Viewer, feed: Feed, after: bigint | null): Promise<HubSubscription> {
    await this.start();
    const subscription = new HubSubscription(viewer, feed, after ?? this.lastDispatched, (s) => this.subscriptions.delete(s));
    this.subscriptions.add(subscription);
    if (after === null) {
      subscription.live = true;
      return subscription;
    }
    // Rattrapage : jusqu'à la position du diffuseur, lue à chaque tour ; le passage au direct se
    // fait dans le même tour de boucle que la vérification, donc sans événement manqué.
    for (;;) {
      const upTo = this.lastDispatched;
      if (subscription.position >= upTo) {
        subscription.live = true;
        return subscription;
      }
      const events = await this.prisma.auditEvent.findMany({
        where: { id: { gt: subscription.position, lte: upTo }, action: { in: LIFECYCLE_ACTIONS }, ...backlogScope(viewer) },
        orderBy: { id: 'asc' },
        take: BATCH,
        select: LOGGED_EVENT_SELECT,
      });
      for (const event of events) {
        const projected = project(event, viewer, feed);
        if (projected) subscription.push(projected);
      }
      if (events.length < BATCH) subscription.position = upTo > subscription.position ? upTo : subscription.position;
      if (subscription.closed) return subscription;
    }
  }
}

/** Filtre SQL grossier du rattrapage (le filtre exact est `project`). */
function backlogScope(viewer: Viewer) {
  if (viewer.organizationKind === 'ADMINISTRATION') return { administrationId: viewer.organizationId, internal: false };
  if (viewer.organizationKind === 'PARQUET') {
    return {
      OR: [
        { parquetId: viewer.organizationId },
        { action: 'SIGNALEMENT_TRANSFERRED', before: { path: ['parquetId'], equals: viewer.organizationId } },
      ],
    };
  }
  return { id: { lt: 0n } };
}

import type { ExecutionResult } from 'graphql';

/**
 * Le résultat d'un événement pour une audience et un document : calculé et sérialisé une fois,
 * puis envoyé tel quel à chaque écran de l'audience. Tant qu'il se calcule, les écrans qui
 * l'attendent sont inscrits dans `waiters`, et prévenus ensemble, dans un seul tour de boucle,
 * quand il est prêt : ni promesse ni microtâche par écran (un événement, 5 000 écrans).
 */
export class SharedResult {
  /** Le texte JSON du résultat, une fois calculé. */
  text: string | undefined = undefined;
  /** Le calcul a échoué : l'événement est sauté par tous ceux qui l'attendaient. */
  failed = false;
  private waiters: (() => void)[] | null = [];

  get settled(): boolean {
    return this.waiters === null;
  }

  /** Appelle `waiter` quand le résultat est prêt (ou a échoué) ; aussitôt s'il l'est déjà. */
  whenSettled(waiter: () => void): void {
    if (this.waiters === null) waiter();
    else this.waiters.push(waiter);
  }

  settle(text: string | undefined, failed: boolean): void {
    if (this.waiters === null) return;
    this.text = text;
    this.failed = failed;
    const waiters = this.waiters;
    this.waiters = null;
    for (const waiter of waiters) waiter();
  }
}

/**
 * Résultats calculés une fois par événement, par audience et par document. Le diffuseur donne le
 * même objet événement à toute une audience : le cache s'y accroche (et part avec lui), puis une
 * table par audience et document.
 */
export class SharedResults<Event extends object> {
  private readonly byEvent = new WeakMap<Event, Map<string, SharedResult>>();

  constructor(private readonly onError: (error: unknown) => void) {}

  get(event: Event, key: string, compute: () => Promise<ExecutionResult>): SharedResult {
    let forEvent = this.byEvent.get(event);
    if (!forEvent) this.byEvent.set(event, (forEvent = new Map()));
    let result = forEvent.get(key);
    if (!result) {
      const created = new SharedResult();
      result = created;
      forEvent.set(key, created);
      compute().then(
        (value) => created.settle(JSON.stringify(value), false),
        (error: unknown) => {
          // Une fois par événement et par audience, pas une fois par écran.
          this.onError(error);
          created.settle(undefined, true);
        },
      );
    }
    return result;
  }
}

/**
 * Les envois d'un abonnement, dans l'ordre des événements : un résultat prêt part aussitôt si rien
 * n'attend devant lui ; sinon il prend sa place dans la file de l'abonnement, qui se vide, dans
 * l'ordre, à mesure que les résultats en tête sont prêts. Un résultat en échec est sauté.
 */
export class OrderedSender {
  private readonly queue: SharedResult[] = [];
  private readonly drain = () => {
    while (this.queue.length > 0 && this.queue[0]!.settled) {
      const head = this.queue.shift()!;
      if (!head.failed) this.send(head.text!);
    }
  };

  constructor(private readonly send: (text: string) => void) {}

  deliver(result: SharedResult): void {
    if (this.queue.length === 0 && result.settled) {
      if (!result.failed) this.send(result.text!);
      return;
    }
    this.queue.push(result);
    // La file se vide quand le résultat qui l'arrête est prêt ; un résultat déjà prêt attend son tour.
    if (!result.settled) result.whenSettled(this.drain);
  }
}

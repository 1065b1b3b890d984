import type { ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import { OrderedSender, SharedResults } from './shared-results.js';

/** Un calcul que le test termine quand il veut (comme une exécution qui attend la base). */
function deferred() {
  let resolve!: (value: ExecutionResult) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<ExecutionResult>((ok, ko) => {
    resolve = ok;
    reject = ko;
  });
  return { promise, resolve, reject };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

/** `screens` écrans qui notent ce qu'ils reçoivent, dans l'ordre. */
function screens(count: number) {
  const received = Array.from({ length: count }, () => [] as string[]);
  const senders = received.map((list) => new OrderedSender((text) => list.push(text)));
  return { received, senders };
}

describe('diffusion d’un événement à tous les écrans d’une audience', () => {
  it('chaque écran reçoit chaque événement une fois, dans l’ordre, même quand les résultats se calculent dans le désordre', async () => {
    const errors: unknown[] = [];
    const shared = new SharedResults<object>((error) => errors.push(error));
    const { received, senders } = screens(3);
    const events = [{}, {}, {}];
    const computations = events.map(() => deferred());
    let computed = 0;
    for (const [n, event] of events.entries()) {
      for (const sender of senders) {
        sender.deliver(
          shared.get(event, 'audience|document', () => {
            computed += 1;
            return computations[n]!.promise;
          }),
        );
      }
    }
    // Un calcul par événement, quel que soit le nombre d'écrans.
    expect(computed).toBe(3);
    // Le troisième est prêt d'abord, puis le premier : rien ne part avant le premier.
    computations[2]!.resolve({ data: { n: 3 } });
    await flush();
    expect(received).toEqual([[], [], []]);
    computations[0]!.resolve({ data: { n: 1 } });
    await flush();
    expect(received).toEqual(Array.from({ length: 3 }, () => ['{"data":{"n":1}}']));
    computations[1]!.resolve({ data: { n: 2 } });
    await flush();
    expect(received).toEqual(Array.from({ length: 3 }, () => ['{"data":{"n":1}}', '{"data":{"n":2}}', '{"data":{"n":3}}']));
    expect(errors).toEqual([]);
  });

  it('un résultat prêt part aussitôt, dans le même tour de boucle, quand rien n’attend devant lui', async () => {
    const shared = new SharedResults<object>(() => undefined);
    const event = {};
    const first = screens(1);
    first.senders[0]!.deliver(shared.get(event, 'k', async () => ({ data: { ok: true } })));
    await flush();
    expect(first.received[0]).toEqual(['{"data":{"ok":true}}']);
    // Un écran arrivé ensuite sur le même événement : le texte déjà calculé part sans attendre.
    const late = screens(1);
    late.senders[0]!.deliver(shared.get(event, 'k', () => Promise.reject(new Error('ne doit pas être recalculé'))));
    expect(late.received[0]).toEqual(['{"data":{"ok":true}}']);
  });

  it('un calcul en échec est signalé une fois et sauté par tous les écrans ; les événements suivants passent', async () => {
    const errors: unknown[] = [];
    const shared = new SharedResults<object>((error) => errors.push(error));
    const { received, senders } = screens(4);
    const failing = deferred();
    const [broken, next] = [{}, {}];
    for (const sender of senders) sender.deliver(shared.get(broken, 'k', () => failing.promise));
    for (const sender of senders) sender.deliver(shared.get(next, 'k', async () => ({ data: { n: 2 } })));
    await flush();
    expect(received).toEqual([[], [], [], []]);
    failing.reject(new Error('base indisponible'));
    await flush();
    expect(errors).toHaveLength(1);
    expect(received).toEqual(Array.from({ length: 4 }, () => ['{"data":{"n":2}}']));
  });

  it('des audiences ou des documents différents ont chacun leur résultat', async () => {
    const shared = new SharedResults<object>(() => undefined);
    const event = {};
    const { received, senders } = screens(2);
    senders[0]!.deliver(shared.get(event, 'parquet A|doc', async () => ({ data: { who: 'A' } })));
    senders[1]!.deliver(shared.get(event, 'parquet B|doc', async () => ({ data: { who: 'B' } })));
    await flush();
    expect(received).toEqual([['{"data":{"who":"A"}}'], ['{"data":{"who":"B"}}']]);
  });
});

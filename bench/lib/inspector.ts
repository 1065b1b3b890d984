import WebSocket from 'ws';
import { residentBytes } from './processes.js';
import { sleep } from './stats.js';

export interface SettledMemory {
  /** Mémoire résidente du processus (VmRSS) après le ramasse-miettes complet. */
  rss: number;
  /** Tas JavaScript occupé (V8) après le ramasse-miettes complet. */
  heapUsed: number;
}

/**
 * La mémoire d'un processus Node lancé avec `--inspect=127.0.0.1:<port>`, relevée après un
 * ramasse-miettes complet demandé par le protocole de l'inspecteur (HeapProfiler.collectGarbage).
 * Sans lui, deux relevés de la mémoire résidente diffèrent d'autant que ce que le ramasse-miettes a
 * rendu ou non entre les deux : à 1 000 abonnés, l'écart sortait négatif. Le produit n'est pas
 * modifié pour cela : c'est l'option de Node que le banc ajoute à la commande de lancement.
 */
export async function settledMemory(inspectPort: number, pid: number): Promise<SettledMemory> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const address = targets[0]?.webSocketDebuggerUrl;
  if (!address) throw new Error(`aucune cible d’inspection sur le port ${inspectPort}`);
  const socket = new WebSocket(address);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let nextId = 0;
  const call = <T>(method: string): Promise<T> =>
    new Promise((resolve, reject) => {
      nextId += 1;
      const id = nextId;
      const onMessage = (data: WebSocket.RawData) => {
        const message = JSON.parse(data.toString()) as { id?: number; result?: T; error?: { message: string } };
        if (message.id !== id) return;
        socket.off('message', onMessage);
        if (message.error) reject(new Error(`${method} : ${message.error.message}`));
        else resolve(message.result as T);
      };
      socket.on('message', onMessage);
      socket.send(JSON.stringify({ id, method }));
    });
  try {
    // Deux passages : le premier libère ce que des finaliseurs retenaient encore.
    await call('HeapProfiler.collectGarbage');
    await call('HeapProfiler.collectGarbage');
    const { usedSize } = await call<{ usedSize: number }>('Runtime.getHeapUsage');
    await sleep(300);
    return { rss: residentBytes(pid), heapUsed: usedSize };
  } finally {
    socket.close();
  }
}

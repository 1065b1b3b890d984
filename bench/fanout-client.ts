/**
 * Processus client du banc de diffusion (fanout.ts) : il tient plusieurs centaines d'écrans, chacun
 * sur sa WebSocket, et relève pour chaque message reçu le temps écoulé depuis l'instant `at` qu'il
 * porte (le commit de l'événement, ou l'envoi pour le témoin). Piloté par son parent (IPC).
 *
 * Mode `graphql` : protocole graphql-ws (graphql-transport-ws) écrit à la main, comme le parle
 * l'application web : connection_init avec le jeton, puis un abonnement `urgentQueueChanged`.
 * Mode `raw` : une WebSocket nue qui reçoit ce que le serveur témoin diffuse.
 * Les deux modes lisent et décodent chaque message de la même façon (JSON.parse).
 */
import WebSocket from 'ws';

type Command =
  | { type: 'connect'; mode: 'graphql' | 'raw'; url: string; tokens: string[]; query: string; concurrency: number }
  | { type: 'phase'; name: string }
  | { type: 'count' }
  | { type: 'report' }
  | { type: 'close' };

interface PhaseData {
  latencies: number[];
  /** Instant (epoch ms) du premier `at` et de la dernière réception. */
  firstAt: number;
  lastReceived: number;
}

const sockets: WebSocket[] = [];
const phases = new Map<string, PhaseData>();
let phase = 'chauffe';
let received = 0;
let errors = 0;
const errorSamples: string[] = [];
let sampleSent = false;

function send(message: unknown) {
  process.send?.(message);
}

function noteError(text: string) {
  errors += 1;
  if (errorSamples.length < 5) errorSamples.push(text.slice(0, 200));
}

function record(text: string) {
  const receivedAt = Date.now();
  const message = JSON.parse(text) as { type?: string; payload?: { data?: { urgentQueueChanged?: { at?: string } }; errors?: unknown } };
  if (message.type === 'ping') return 'ping';
  if (message.type !== 'next') {
    if (message.type === 'error' || message.type === 'complete') noteError(text);
    return null;
  }
  const at = message.payload?.data?.urgentQueueChanged?.at;
  if (!at) {
    noteError(text);
    return null;
  }
  const atMs = Date.parse(at);
  let data = phases.get(phase);
  if (!data) phases.set(phase, (data = { latencies: [], firstAt: atMs, lastReceived: receivedAt }));
  data.latencies.push(receivedAt - atMs);
  if (atMs < data.firstAt) data.firstAt = atMs;
  if (receivedAt > data.lastReceived) data.lastReceived = receivedAt;
  received += 1;
  if (!sampleSent) {
    sampleSent = true;
    send({ type: 'sample', text });
  }
  return null;
}

function open(mode: 'graphql' | 'raw', url: string, token: string, query: string): Promise<void> {
  return new Promise((resolve) => {
    const socket = mode === 'graphql' ? new WebSocket(url, 'graphql-transport-ws') : new WebSocket(url);
    let settled = false;
    const settle = () => {
      if (!settled) {
        settled = true;
        resolve();
      }
    };
    socket.on('open', () => {
      sockets.push(socket);
      if (mode === 'graphql') socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
      else settle();
    });
    socket.on('message', (data: Buffer) => {
      const text = data.toString('utf8');
      if (mode === 'graphql' && !settled) {
        const message = JSON.parse(text) as { type: string };
        if (message.type === 'connection_ack') {
          socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables: {} } }));
          settle();
          return;
        }
      }
      if (record(text) === 'ping') socket.send('{"type":"pong"}');
    });
    socket.on('error', (error) => {
      noteError(`erreur de socket : ${error.message}`);
      settle();
    });
    socket.on('close', (code, reason) => {
      if (code !== 1000 && code !== 1005) noteError(`socket fermée ${code} ${reason.toString()}`);
      settle();
    });
  });
}

async function connectAll(command: Extract<Command, { type: 'connect' }>) {
  let next = 0;
  const worker = async () => {
    while (next < command.tokens.length) {
      const token = command.tokens[next]!;
      next += 1;
      await open(command.mode, command.url, token, command.query);
    }
  };
  await Promise.all(Array.from({ length: Math.min(command.concurrency, command.tokens.length) }, worker));
  send({ type: 'connected', open: sockets.filter((s) => s.readyState === WebSocket.OPEN).length, errors, errorSamples });
}

process.on('message', (command: Command) => {
  switch (command.type) {
    case 'connect':
      void connectAll(command);
      break;
    case 'phase':
      phase = command.name;
      break;
    case 'count':
      send({ type: 'count', received, byPhase: Object.fromEntries([...phases].map(([name, data]) => [name, data.latencies.length])), errors, open: sockets.filter((s) => s.readyState === WebSocket.OPEN).length });
      break;
    case 'report':
      send({ type: 'report', phases: Object.fromEntries(phases), errors, errorSamples });
      break;
    case 'close':
      for (const socket of sockets) socket.terminate();
      setTimeout(() => process.exit(0), 100);
      break;
  }
});

process.on('disconnect', () => process.exit(0));

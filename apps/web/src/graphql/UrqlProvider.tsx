'use client';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { useMemo, useSyncExternalStore } from 'react';
import { cacheExchange, Client, fetchExchange, Provider, subscriptionExchange } from 'urql';

/**
 * Le client GraphQL du navigateur. Les requêtes passent par `/graphql` (même origine, le
 * cookie de session suit) ; les abonnements par une WebSocket graphql-ws vers l'API, que le
 * cookie authentifie aussi. Le jeton n'est donc jamais lisible par un script de la page.
 *
 * Reprise sans perte : chaque abonnement retient le curseur du dernier événement reçu, et le
 * message d'abonnement le relit à chaque (re)connexion (`after`), si bien qu'après une coupure
 * l'API rejoue dans l'ordre ce qui a été manqué.
 */
export type LinkState = 'connecting' | 'connected' | 'lost' | 'restored';

let linkState: LinkState = 'connecting';
let everConnected = false;
const listeners = new Set<() => void>();
function setLinkState(next: LinkState) {
  linkState = next;
  for (const listener of listeners) listener();
}

/** L'état du lien temps réel, pour l'indicateur de connexion. */
export function useLinkState(): LinkState {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => linkState,
    () => 'connecting',
  );
}

/** L'adresse WebSocket de l'API : donnée par le serveur, sinon même hôte que la page, port de l'API. */
function wsUrl(realtime: RealtimeEndpoint): string {
  if (realtime.url) return realtime.url;
  const protocol = window.location.protocol === 'https:' ? 'wss' : 'ws';
  return `${protocol}://${window.location.hostname}:${realtime.port}/graphql`;
}

export interface RealtimeEndpoint {
  url: string | null;
  port: string;
}

function createWebSocketClient(realtime: RealtimeEndpoint): WsClient {
  return createWsClient({
    url: wsUrl(realtime),
    lazy: true,
    keepAlive: 15_000,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    retryWait: async (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(1000 * 2 ** retries, 10_000))),
    on: {
      connected: () => {
        setLinkState(everConnected ? 'restored' : 'connected');
        everConnected = true;
      },
      closed: () => {
        if (everConnected) setLinkState('lost');
      },
    },
  });
}

/** Le premier champ du résultat qui porte un curseur (urgentQueueChanged, signalementEvents…). */
function cursorOf(data: unknown): string | undefined {
  if (!data || typeof data !== 'object') return undefined;
  for (const value of Object.values(data as Record<string, unknown>)) {
    if (value && typeof value === 'object' && typeof (value as { cursor?: unknown }).cursor === 'string') {
      return (value as { cursor: string }).cursor;
    }
  }
  return undefined;
}

function createUrqlClient(ws: WsClient | null): Client {
  return new Client({
    url: '/graphql',
    fetchOptions: { credentials: 'same-origin' },
    // Le relais /graphql n'accepte que POST (jamais de requête portant des données dans l'adresse).
    preferGetMethod: false,
    exchanges: [
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          let after: string | undefined = (request.variables as { after?: string } | undefined)?.after;
          const payload = {
            query: request.query ?? '',
            operationName: request.operationName,
            // Relu à chaque envoi : après une reconnexion, l'abonnement reprend au dernier curseur.
            get variables() {
              return { ...(request.variables ?? {}), ...(after ? { after } : {}) };
            },
            extensions: request.extensions,
          };
          return {
            subscribe(sink) {
              if (!ws) return { unsubscribe: () => {} };
              const unsubscribe = ws.subscribe(payload, {
                next: (result) => {
                  const cursor = cursorOf(result.data);
                  if (cursor) after = cursor;
                  sink.next(result as never);
                },
                error: (error) => sink.error(error),
                complete: () => sink.complete(),
              });
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
}

export function UrqlProvider({ children, realtime }: { children: React.ReactNode; realtime: RealtimeEndpoint }) {
  // Côté serveur, pas de WebSocket : les composants reçoivent leurs données initiales du serveur.
  const client = useMemo(() => createUrqlClient(typeof window === 'undefined' ? null : createWebSocketClient(realtime)), [realtime]);
  return <Provider value={client}>{children}</Provider>;
}

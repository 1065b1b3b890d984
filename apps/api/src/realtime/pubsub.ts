import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub } from 'graphql-yoga';
import { Redis } from 'ioredis';

/**
 * Les signaux entre instances de l'API : « le journal a avancé » (réveille les diffuseurs) et
 * « telle session est fermée » (ferme ses WebSockets). Par Redis quand REDIS_URL est défini,
 * sinon dans le processus. Ils ne portent aucun contenu : le journal d'audit fait foi, un signal
 * perdu (Redis en panne) ne fait que retarder la lecture suivante.
 */
export type Signals = ReturnType<typeof createSignals>['pubsub'];

type Topics = {
  /** `from` : l'instance qui a écrit (son propre diffuseur est déjà réveillé). */
  'journal:advanced': [{ at: number; from: string }];
  'session:revoked': [{ sessionId: string }];
};

export function createSignals(redisUrl: string | undefined) {
  if (!redisUrl) return { pubsub: createPubSub<Topics>(), close: async () => {} };
  // L'abonné attend Redis aussi longtemps qu'il faut et se réabonne seul après une coupure ;
  // l'éditeur abandonne vite un signal qu'il ne peut pas envoyer (la relecture du journal rattrape).
  // Pas de vérification « ready » (INFO) sur la connexion abonnée : SUBSCRIBE peut partir avant
  // elle, et INFO est ensuite refusé en mode abonné (rejet non géré qui arrêtait le processus).
  const subscribeClient = new Redis(redisUrl, { maxRetriesPerRequest: null, enableReadyCheck: false });
  const publishClient = new Redis(redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 2000 });
  // Sans Redis, les événements passent encore au sein de l'instance ; on le dit, sans s'arrêter.
  for (const client of [publishClient, subscribeClient]) {
    client.on('error', (error: Error) => console.warn(`[temps réel] Redis indisponible : ${error.message}`));
  }
  // La cible d'événements Redis de Yoga n'attend pas la promesse de `publish` : si Redis est tombé,
  // son rejet (MaxRetriesPerRequestError) n'était rattrapé par personne et arrêtait le processus
  // (exercice `npm run drill:redis`). On la rattrape ici, à la source : le signal est perdu, la
  // relecture du journal le remplace.
  const publish = publishClient.publish.bind(publishClient) as (channel: string, message: string) => Promise<number>;
  (publishClient as { publish: (channel: string, message: string) => Promise<number> }).publish = (channel, message) => {
    const sent = publish(channel, message);
    sent.catch((error: Error) => console.warn(`[temps réel] signal non envoyé (Redis indisponible) : ${error.message}`));
    return sent;
  };
  const eventTarget = createRedisEventTarget({ publishClient, subscribeClient });
  return {
    pubsub: createPubSub<Topics>({ eventTarget }),
    close: async () => {
      publishClient.disconnect();
      subscribeClient.disconnect();
    },
  };
}

/**
 * Les limites de l'API, en un seul endroit : le README (« Limites de l'API ») et la documentation
 * des partenaires les reprennent telles quelles. Chacune refuse un document ou une requête avec un
 * code stable (voir errors.ts) ; aucune ne gêne une requête de l'application web ou des tests.
 */

/** Profondeur maximale d'une opération (niveaux de sélection, fragments compris). */
export const MAX_DEPTH = 10;

/** Alias par opération (aucun champ exempté, pas même `__typename`). */
export const MAX_ALIASES = 15;

/** Directives par opération (`@include`, `@skip`…). */
export const MAX_DIRECTIVES = 5;

/** Jetons lexicaux d'un document (une chaîne littérale compte pour un). */
export const MAX_TOKENS = 2000;

/**
 * Coût maximal d'une opération : une estimation, dans le pire cas, du nombre de valeurs qu'elle
 * peut renvoyer (voir cost.ts). 100 signalements avec tous leurs champs, historique compris,
 * restent en deçà ; deux pages pareilles dans la même opération non.
 */
export const MAX_COST = 50_000;

/** Taille maximale d'une page (`first`) de toute connexion. */
export const PAGE_MAX = 100;

/** Nombre d'éléments supposé d'une liste sans `first` (historique, messages…) dans le calcul du coût. */
export const LIST_COST_FACTOR = 10;

/** Corps d'une requête GraphQL HTTP (et d'un message WebSocket), en octets. */
export const MAX_BODY_BYTES = 100 * 1024;

/** Durée maximale d'exécution d'une requête (query), par défaut (GRAPHQL_EXECUTION_TIMEOUT_MS). */
export const DEFAULT_EXECUTION_TIMEOUT_MS = 10_000;

/** Fenêtre des limites de débit, en secondes. */
export const RATE_LIMIT_WINDOW_SECONDS = 60;

/**
 * Requêtes par fenêtre, par défaut (RATE_LIMIT_PER_MINUTE_IP / _USER / _TOKEN) ; sous NODE_ENV=test
 * les limites de débit sont coupées sauf si elles sont configurées.
 */
export const DEFAULT_RATE_LIMITS = { ip: 1200, user: 600, token: 1200 } as const;

import { AppError, type FieldIssue } from '../errors.js';
import { MAX_ALIASES, MAX_BODY_BYTES, MAX_COST, MAX_DEPTH, MAX_DIRECTIVES, MAX_TOKENS } from './limits.js';

/**
 * Les refus des protections de l'API. Chacun a son code stable ; `extensions.http` (retiré de la
 * réponse par Yoga) donne le statut HTTP et les en-têtes de la réponse.
 */

export type DocumentLimit = 'depth' | 'aliases' | 'directives' | 'tokens' | 'cost';

const DOCUMENT_LIMIT_MESSAGES: Record<DocumentLimit, (found?: number) => string> = {
  depth: () => `Requête trop profonde : ${MAX_DEPTH} niveaux d’imbrication au plus.`,
  aliases: () => `Trop d’alias dans l’opération : ${MAX_ALIASES} au plus.`,
  directives: () => `Trop de directives dans l’opération : ${MAX_DIRECTIVES} au plus.`,
  tokens: () => `Document trop long : ${MAX_TOKENS} jetons au plus.`,
  cost: (found) =>
    `Requête trop coûteuse : coût estimé ${found ?? '?'}, ${MAX_COST} au plus. Demandez moins d’éléments (first) ou moins de champs à la fois.`,
};

const DOCUMENT_LIMIT_MAX: Record<DocumentLimit, number> = {
  depth: MAX_DEPTH,
  aliases: MAX_ALIASES,
  directives: MAX_DIRECTIVES,
  tokens: MAX_TOKENS,
  cost: MAX_COST,
};

/** Un document refusé avant toute exécution ; `extensions.limit` dit quelle limite, `max` sa valeur. */
export class QueryTooComplexError extends AppError {
  constructor(limit: DocumentLimit, found?: number) {
    super('QUERY_TOO_COMPLEX', DOCUMENT_LIMIT_MESSAGES[limit](found), {
      limit,
      max: DOCUMENT_LIMIT_MAX[limit],
      ...(found === undefined ? {} : { found }),
      http: { status: 400 },
    });
  }
}

export class IntrospectionDisabledError extends AppError {
  constructor() {
    super('INTROSPECTION_DISABLED', 'L’introspection du schéma est désactivée : le schéma est publié avec la documentation de l’API.', {
      http: { status: 400 },
    });
  }
}

export class ExecutionTimeoutError extends AppError {
  constructor(timeoutMs: number) {
    super(
      'EXECUTION_TIMEOUT',
      `Délai d’exécution dépassé : la requête a été interrompue après ${formatSeconds(timeoutMs)} s. Demandez moins de données à la fois.`,
      { timeoutMs, http: { status: 503 } },
    );
  }
}

export class PayloadTooLargeError extends AppError {
  constructor() {
    super('PAYLOAD_TOO_LARGE', `Requête trop volumineuse : ${MAX_BODY_BYTES / 1024} Ko au plus.`, {
      maxBytes: MAX_BODY_BYTES,
      http: { status: 413 },
    });
  }
}

/** Une saisie qui porte le caractère nul, refusée avant l'exécution (input.ts). */
export class NulCharacterError extends AppError {
  constructor(issues: FieldIssue[]) {
    super('BAD_USER_INPUT', `Saisie invalide. ${issues[0]!.message}`, { fields: issues, http: { status: 400 } });
  }
}

export class MalformedRequestError extends AppError {
  constructor() {
    super(
      'BAD_REQUEST',
      'Requête mal formée : le corps ou les paramètres `variables` et `extensions` ne sont pas du JSON valide (voir la spécification GraphQL over HTTP).',
      { http: { status: 400 } },
    );
  }
}

export class RateLimitedError extends AppError {
  constructor(limit: number, retryAfterSeconds: number) {
    super('RATE_LIMITED', `Trop de requêtes : ${limit} par minute au plus. Réessayez dans ${retryAfterSeconds} s.`, {
      retryAfter: retryAfterSeconds,
      // Retry-After est posé avec les en-têtes RateLimit (rateLimitHeaders), une seule fois.
      http: { status: 429 },
    });
  }
}

export class CsrfRefusedError extends AppError {
  constructor(header: string) {
    super(
      'CSRF_REFUSED',
      `Requête refusée (protection contre la falsification de requêtes inter-sites) : authentifiée par le cookie de session, elle doit être un POST en application/json ou porter l’en-tête ${header}.`,
      { http: { status: 403 } },
    );
  }
}

function formatSeconds(ms: number): string {
  return (ms / 1000).toLocaleString('fr-FR', { maximumFractionDigits: 3 });
}

/** Le corps JSON d'une réponse d'erreur hors de Yoga (routes HTTP, refus avant GraphQL). */
export function errorBody(error: AppError): string {
  const { http: _http, ...extensions } = error.extensions as Record<string, unknown>;
  return JSON.stringify({ errors: [{ message: error.message, extensions }] });
}

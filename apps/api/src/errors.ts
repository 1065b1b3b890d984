import { GraphQLError } from 'graphql';

/**
 * Les erreurs que l'API montre : un code stable dans `extensions.code` et un message en
 * français. Toute autre erreur reste masquée par Yoga (« Unexpected error. »).
 */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'INVALID_TRANSITION'
  | 'CONFLICT'
  // Protections de l'API (security/) : débit, documents refusés avant exécution, requêtes HTTP.
  | 'RATE_LIMITED'
  | 'QUERY_TOO_COMPLEX'
  | 'INTROSPECTION_DISABLED'
  | 'EXECUTION_TIMEOUT'
  | 'PAYLOAD_TOO_LARGE'
  | 'BAD_REQUEST'
  | 'CSRF_REFUSED';

export class AppError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extensions } });
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = 'Authentification requise : connectez-vous ou fournissez un jeton valide.') {
    super('UNAUTHENTICATED', message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'Votre rôle ne permet pas cette opération.') {
    super('FORBIDDEN', message);
  }
}

export class NotFoundError extends AppError {
  constructor(what = 'Signalement') {
    super('NOT_FOUND', `${what} introuvable.`);
  }
}

export interface FieldIssue {
  field: string;
  message: string;
}

export class BadUserInputError extends AppError {
  constructor(issues: FieldIssue[]) {
    const summary = issues.map((issue) => issue.message).join(' ');
    super('BAD_USER_INPUT', `Saisie invalide. ${summary}`.trim(), { fields: issues });
  }
}

export class InvalidTransitionError extends AppError {
  constructor(message: string, from: string, action: string) {
    super('INVALID_TRANSITION', message, { status: from, action });
  }
}

export class ConflictError extends AppError {
  constructor(message = 'Le signalement a été modifié entre-temps par quelqu’un d’autre : rechargez-le puis recommencez.') {
    super('CONFLICT', message);
  }
}

/**
 * Règles de validation des saisies, partagées par l'API et l'application web pour que le
 * formulaire et le serveur refusent la même chose avec les mêmes mots.
 */
export * from './signalement';
export * from './identifiers';
export * from './natinf';
export * from './labels';

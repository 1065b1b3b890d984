import { randomBytes } from 'node:crypto';

/**
 * Le format d'un jeton d'API : `ipk_` suivi de 32 octets aléatoires en base64url (256 bits). Le
 * préfixe le distingue d'un jeton de session (`ips_`) dans le même en-tête `Authorization: Bearer`,
 * et le rend reconnaissable par un outil de détection de secrets (comme ghp_ chez GitHub). Seul son
 * SHA-256 est conservé (comme les sessions : un secret de 256 bits n'a pas besoin d'un hachage lent).
 */
export const API_TOKEN_PREFIX = 'ipk_';

/** Longueur du début du jeton gardé en clair pour qu'on reconnaisse le sien dans la liste. */
const DISPLAY_PREFIX_LENGTH = API_TOKEN_PREFIX.length + 8;

export function newApiToken(): string {
  return `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function isApiToken(token: string): boolean {
  return token.startsWith(API_TOKEN_PREFIX);
}

export function displayPrefix(token: string): string {
  return token.slice(0, DISPLAY_PREFIX_LENGTH);
}

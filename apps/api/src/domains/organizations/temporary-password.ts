import { randomInt } from 'node:crypto';

// Sans les caractères qui se confondent à la lecture ou à la dictée (0/o, 1/l/i).
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/**
 * Mot de passe provisoire lisible, à dicter ou recopier : quatre groupes de quatre caractères
 * (ex. `k7qm-3xrt-9pwd-h4nb`), soit environ 79 bits d'entropie.
 */
export function temporaryPassword(): string {
  const groups: string[] = [];
  for (let group = 0; group < 4; group += 1) {
    let chunk = '';
    for (let index = 0; index < 4; index += 1) chunk += ALPHABET[randomInt(ALPHABET.length)];
    groups.push(chunk);
  }
  return groups.join('-');
}

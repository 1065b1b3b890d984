import { BadUserInputError } from '../errors.js';
import { PAGE_MAX } from '../security/limits.js';

export { PAGE_MAX };

/** La taille d'une page (`first`) de toute connexion : obligatoire, de 1 à PAGE_MAX, sinon BAD_USER_INPUT. */
export function checkPageSize(first: number): void {
  if (!Number.isInteger(first) || first < 1 || first > PAGE_MAX) {
    throw new BadUserInputError([{ field: 'first', message: `Taille de page : entre 1 et ${PAGE_MAX}.` }]);
  }
}

import type { z } from 'zod';
import { BadUserInputError } from '../errors.js';

/** Valide une saisie avec un schéma partagé ; en cas d'échec, BAD_USER_INPUT avec chaque champ fautif. */
export function validate<Schema extends z.ZodType>(schema: Schema, input: unknown, prefix?: string): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new BadUserInputError(
    result.error.issues.map((issue) => ({
      field: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'),
      message: issue.message,
    })),
  );
}

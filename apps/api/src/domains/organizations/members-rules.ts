import type { OrganizationKind, Role } from '@infoparquet/db';
import { z } from 'zod';

/**
 * Qui gère les membres d'une organisation (DOMAIN.md) : le responsable d'une administration
 * (MANAGER) et le chef de parquet (HEAD). Tous les membres voient la liste de leur organisation
 * (au parquet, elle sert à choisir à qui attribuer un signalement) ; l'opérateur de la plateforme
 * n'a pas d'organisation à gérer ici.
 */
export const MEMBER_ROLES_FOR = {
  list: ['AGENT', 'MANAGER', 'READER', 'CLERK', 'PROSECUTOR', 'HEAD'],
  manage: ['MANAGER', 'HEAD'],
} as const satisfies Record<string, readonly Role[]>;

/** Les rôles possibles dans chaque nature d'organisation. */
export const ROLES_BY_KIND: Record<OrganizationKind, readonly Role[]> = {
  ADMINISTRATION: ['AGENT', 'MANAGER', 'READER'],
  PARQUET: ['CLERK', 'PROSECUTOR', 'HEAD'],
  PLATFORM: ['PLATFORM_ADMIN'],
};

const ROLE_CHOICES: Record<OrganizationKind, string> = {
  ADMINISTRATION: 'dans une administration, choisissez agent (AGENT), responsable (MANAGER) ou lecteur (READER)',
  PARQUET: 'dans un parquet, choisissez greffier (CLERK), magistrat (PROSECUTOR) ou chef de parquet (HEAD)',
  PLATFORM: 'seul le rôle d’opérateur de la plateforme (PLATFORM_ADMIN) existe ici',
};

/** Un rôle qui existe dans cette nature d'organisation. */
export function roleSchema(kind: OrganizationKind) {
  return z
    .string()
    .refine((role) => (ROLES_BY_KIND[kind] as readonly string[]).includes(role), `Rôle : ${ROLE_CHOICES[kind]}.`)
    .transform((role) => role as Role);
}

const name = (label: string) =>
  z
    .string({ error: `${label} : texte attendu.` })
    .trim()
    .min(1, `${label} : champ obligatoire.`)
    .max(100, `${label} : 100 caractères au plus.`);

/**
 * Saisie d'un nouveau membre d'une organisation de cette nature ; l'adresse est rangée en
 * minuscules, comme la lit `login`.
 */
export function memberInputSchema(kind: OrganizationKind) {
  return z.object({
    email: z
      .string({ error: 'Adresse électronique : texte attendu.' })
      .trim()
      .toLowerCase()
      .max(254, 'Adresse électronique : 254 caractères au plus.')
      .pipe(z.email({ error: 'Adresse électronique invalide (ex. prenom.nom@ddpp77.gouv.fr).' })),
    firstName: name('Prénom'),
    lastName: name('Nom'),
    role: roleSchema(kind),
  });
}

export type MemberInputData = z.output<ReturnType<typeof memberInputSchema>>;

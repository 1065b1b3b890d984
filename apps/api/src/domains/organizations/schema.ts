import { OrganizationKind, Role } from '@infoparquet/db';
import { builder } from '../../builder.js';

export const OrganizationKindEnum = builder.enumType(OrganizationKind, {
  name: 'OrganizationKind',
  description: 'Nature d’une organisation.',
  values: {
    ADMINISTRATION: { description: 'Administration qui signale (DDPP, DREAL, URSSAF, douanes…).' },
    PARQUET: { description: 'Parquet d’un tribunal judiciaire, destinataire des signalements.' },
    PLATFORM: { description: 'Opérateur de la plateforme infoParquet.' },
  },
});

export const RoleEnum = builder.enumType(Role, {
  name: 'Role',
  description: 'Rôle d’un utilisateur dans son organisation.',
  values: {
    AGENT: { description: 'Agent d’administration : crée, transmet, répond, lit les signalements de son administration.' },
    MANAGER: { description: 'Responsable d’administration : agent, plus membres, jetons et retrait.' },
    READER: { description: 'Lecteur d’administration : lecture seule.' },
    CLERK: { description: 'Greffier du bureau d’ordre : enregistre, oriente, transfère, demande des renseignements.' },
    PROSECUTOR: { description: 'Magistrat du parquet : greffier, plus décide, rouvre et requalifie l’urgence.' },
    HEAD: { description: 'Chef de parquet : magistrat, plus membres, permanence et statistiques.' },
    PLATFORM_ADMIN: { description: 'Opérateur de la plateforme : organisations et responsables, jamais le contenu.' },
  },
});

export const OrganizationRef = builder.prismaNode('Organization', {
  description: 'Administration ou parquet.',
  id: { field: 'id' },
  // Sélection explicite, comme Signalement : `administration { name }` ne lit que le nom.
  select: { id: true },
  fields: (t) => ({
    kind: t.expose('kind', { type: OrganizationKindEnum, description: 'Nature de l’organisation.' }),
    code: t.exposeString('code', { description: 'Code court ; pour un parquet, celui qui figure dans la référence (ex. MELUN).' }),
    name: t.exposeString('name', { description: 'Nom complet.' }),
    departement: t.exposeString('departement', { description: 'Département principal (code INSEE, ex. 77).' }),
    ressort: t.exposeStringList('ressort', { description: 'Pour un parquet, les départements de son ressort.' }),
  }),
});

export const UserRef = builder.prismaNode('User', {
  description: 'Personne qui se connecte, membre d’une seule organisation.',
  id: { field: 'id' },
  // Sélection explicite : l'empreinte du mot de passe n'est jamais lue pour une réponse.
  select: { id: true },
  fields: (t) => ({
    firstName: t.exposeString('firstName', { description: 'Prénom.' }),
    lastName: t.exposeString('lastName', { description: 'Nom.' }),
    displayName: t.string({
      description: 'Prénom et nom, pour l’affichage.',
      select: { firstName: true, lastName: true },
      resolve: (user) => `${user.firstName} ${user.lastName}`,
    }),
    role: t.expose('role', { type: RoleEnum, description: 'Rôle dans l’organisation.' }),
    active: t.exposeBoolean('active', { description: 'Faux pour un compte désactivé : il ne peut plus se connecter.' }),
    email: t.string({
      description: 'Adresse électronique : visible seulement des membres de la même organisation.',
      nullable: true,
      select: { email: true, organizationId: true },
      resolve: (user, _args, context) => (context.viewer?.organizationId === user.organizationId ? user.email : null),
    }),
    organization: t.relation('organization', { description: 'Organisation de rattachement.' }),
  }),
});

builder.queryField('parquets', (t) =>
  t.prismaField({
    type: ['Organization'],
    description: 'Les parquets destinataires possibles, par nom.',
    authScopes: { loggedIn: true },
    resolve: (query, _root, _args, context) =>
      context.prisma.organization.findMany({ ...query, where: { kind: 'PARQUET' }, orderBy: { name: 'asc' } }),
  }),
);

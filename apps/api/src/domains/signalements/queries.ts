import type { Prisma } from '@infoparquet/db';
import { procedureReference } from '@infoparquet/validation';
import { queryFromInfo } from '@pothos/plugin-prisma';
import { z } from 'zod';
import { builder } from '../../builder.js';
import { BadUserInputError, NotFoundError } from '../../errors.js';
import { internalId } from '../../lib/global-id.js';
import { checkPageSize, PAGE_MAX } from '../../lib/pagination.js';
import { validate } from '../../lib/validate.js';
import { ROLES_FOR, visibleWhere } from './permissions.js';
import { recordView } from './repository.js';
import { SignalementRef, SignalementStatusEnum } from './schema.js';

const SignalementFilter = builder.inputType('SignalementFilter', {
  description: 'Filtres de la liste des signalements.',
  fields: (t) => ({
    status: t.field({ type: [SignalementStatusEnum], description: 'Un de ces statuts.' }),
    urgent: t.boolean({ description: 'Seulement les urgents (true) ou les non urgents (false).' }),
    search: t.string({ description: 'Texte cherché dans la référence, le titre, la référence interne et l’exposé des faits.' }),
    transmittedAfter: t.field({ type: 'DateTime', description: 'Transmis à partir de cet instant.' }),
    transmittedBefore: t.field({ type: 'DateTime', description: 'Transmis avant cet instant.' }),
  }),
});

const filterSchema = z
  .object({
    status: z.array(z.string()).nullish(),
    urgent: z.boolean().nullish(),
    search: z.string().trim().max(200, 'Recherche : 200 caractères au plus.').nullish(),
    transmittedAfter: z.date().nullish(),
    transmittedBefore: z.date().nullish(),
  })
  .refine((f) => !f.transmittedAfter || !f.transmittedBefore || f.transmittedAfter <= f.transmittedBefore, {
    path: ['transmittedBefore'],
    message: 'Période : la fin doit suivre le début.',
  });

function filterWhere(filter: z.output<typeof filterSchema> | null | undefined): Prisma.SignalementWhereInput {
  if (!filter) return {};
  const and: Prisma.SignalementWhereInput[] = [];
  if (filter.status?.length) and.push({ status: { in: filter.status as Prisma.EnumSignalementStatusFilter['in'] } });
  if (filter.urgent !== null && filter.urgent !== undefined) and.push({ urgent: filter.urgent });
  if (filter.search) {
    const contains = filter.search;
    and.push({
      OR: [
        { reference: { contains: contains.toUpperCase() } },
        { title: { contains, mode: 'insensitive' } },
        { externalReference: { contains, mode: 'insensitive' } },
        { facts: { contains, mode: 'insensitive' } },
      ],
    });
  }
  if (filter.transmittedAfter || filter.transmittedBefore) {
    and.push({ transmittedAt: { gte: filter.transmittedAfter ?? undefined, lt: filter.transmittedBefore ?? undefined } });
  }
  return { AND: and };
}

interface SignalementPage {
  edges: { cursor: string; node: unknown }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: () => Promise<number>;
}

const SignalementConnection = builder.connectionObject(
  {
    type: SignalementRef,
    name: 'SignalementConnection',
    description: 'Page de signalements, du plus récent au plus ancien.',
    fields: (t) => ({
      totalCount: t.int({
        description: 'Nombre total de signalements qui répondent aux filtres.',
        resolve: (page) => (page as unknown as SignalementPage).totalCount(),
      }),
    }),
  },
  { name: 'SignalementEdge', description: 'Un signalement dans une page.' },
);

const cursorFor = (id: string) => Buffer.from(`Signalement:${id}`).toString('base64url');
function idFromCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^Signalement:([0-9a-f-]{36})$/.exec(decoded);
  if (!match?.[1]) throw new BadUserInputError([{ field: 'after', message: 'Curseur de pagination invalide.' }]);
  return match[1];
}

builder.queryFields((t) => ({
  signalement: t.prismaField({
    type: SignalementRef,
    nullable: false,
    description: 'Un signalement par son identifiant ; la consultation est consignée au journal.',
    authScopes: { anyRole: ROLES_FOR.read },
    args: { id: t.arg.id({ required: true, description: 'Identifiant global du signalement.' }) },
    resolve: async (query, _root, args, context) => {
      const viewer = context.viewer!;
      const id = internalId(args.id, 'Signalement');
      const signalement = id
        ? await context.prisma.signalement.findFirst({ ...query, where: { AND: [{ id }, visibleWhere(viewer)] } })
        : null;
      if (!signalement) throw new NotFoundError();
      await recordView(context.prisma, viewer, signalement);
      return signalement;
    },
  }),
  signalementByReference: t.prismaField({
    type: SignalementRef,
    nullable: false,
    description: 'Un signalement par sa référence (IP-AAAA-PARQUET-NNNNNN) ; la consultation est consignée.',
    authScopes: { anyRole: ROLES_FOR.read },
    args: { reference: t.arg.string({ required: true, description: 'Référence de procédure.' }) },
    resolve: async (query, _root, args, context) => {
      const viewer = context.viewer!;
      const reference = validate(procedureReference, args.reference, 'reference');
      const signalement = await context.prisma.signalement.findFirst({ ...query, where: { AND: [{ reference }, visibleWhere(viewer)] } });
      if (!signalement) throw new NotFoundError();
      await recordView(context.prisma, viewer, signalement);
      return signalement;
    },
  }),
  signalements: t.field({
    type: SignalementConnection,
    description: 'Les signalements de l’organisation du demandeur (émis ou reçus), paginés.',
    authScopes: { anyRole: ROLES_FOR.read },
    args: {
      first: t.arg.int({ required: true, description: `Taille de la page, de 1 à ${PAGE_MAX}.` }),
      after: t.arg.string({ description: 'Curseur après lequel commencer (endCursor de la page précédente).' }),
      filter: t.arg({ type: SignalementFilter, description: 'Filtres.' }),
    },
    resolve: async (_root, args, context, info) => {
      checkPageSize(args.first);
      const filter = validate(filterSchema, args.filter ?? {}, 'filter');
      const where: Prisma.SignalementWhereInput = { AND: [visibleWhere(context.viewer!), filterWhere(filter)] };
      const afterId = args.after ? idFromCursor(args.after) : null;
      const query = queryFromInfo({ context, info, path: ['edges', 'node'], typeName: 'Signalement' });
      const rows = await context.prisma.signalement.findMany({
        ...(query as object),
        where,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: args.first + 1,
        ...(afterId ? { cursor: { id: afterId }, skip: 1 } : {}),
      });
      const page = rows.slice(0, args.first);
      // Une première page qui n'est pas pleine contient toute la liste : son total est sa longueur,
      // sans seconde requête (une recherche qui trouve peu de signalements, une petite liste).
      const whole = afterId === null && rows.length <= args.first;
      const edges = page.map((node) => ({ cursor: cursorFor(node.id), node }));
      const result: SignalementPage = {
        edges,
        pageInfo: {
          hasNextPage: rows.length > args.first,
          hasPreviousPage: afterId !== null,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges.at(-1)?.cursor ?? null,
        },
        totalCount: () => (whole ? Promise.resolve(page.length) : context.prisma.signalement.count({ where })),
      };
      return result as never;
    },
  }),
  urgentQueue: t.prismaField({
    type: [SignalementRef],
    nullable: { list: false, items: false },
    description: 'File d’urgence du parquet : signalements urgents transmis et pas encore enregistrés, du plus ancien au plus récent.',
    authScopes: { anyRole: ROLES_FOR.register },
    resolve: (query, _root, _args, context) =>
      context.prisma.signalement.findMany({
        ...query,
        where: { parquetId: context.viewer!.organizationId, status: 'TRANSMITTED', urgent: true },
        orderBy: [{ transmittedAt: 'asc' }, { id: 'asc' }],
      }),
  }),
  dismissalReasons: t.prismaField({
    type: ['DismissalReason'],
    description: 'Motifs de classement sans suite en vigueur.',
    authScopes: { loggedIn: true },
    resolve: (query, _root, _args, context) =>
      context.prisma.dismissalReason.findMany({ ...query, where: { active: true }, orderBy: { code: 'asc' } }),
  }),
}));

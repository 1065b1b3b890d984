import { procedureReference } from '@infoparquet/validation';
import { builder } from '../../builder.js';
import { NotFoundError } from '../../errors.js';
import { validate } from '../../lib/validate.js';
import { ADMINISTRATION_ROLES, isParquetStaff, ROLES_FOR } from '../signalements/permissions.js';
import { SignalementStatusEnum } from '../signalements/schema.js';
import type { Viewer } from '../auth/sessions.js';
import type { Prisma } from '@infoparquet/db';

const SignalementTombstoneRef = builder.prismaObject('SignalementTombstone', {
  description:
    'Trace d’un signalement purgé à l’échéance de sa durée de conservation : son existence reste prouvable (référence, dates, empreinte du contenu), son contenu n’existe plus.',
  fields: (t) => ({
    signalementId: t.exposeID('id', { description: 'Identifiant interne qu’avait le signalement.' }),
    reference: t.exposeString('reference', { nullable: true, description: 'Référence de procédure (nulle pour un brouillon jamais transmis).' }),
    statusAtPurge: t.expose('statusAtPurge', { type: SignalementStatusEnum, description: 'Statut au moment de la purge.' }),
    contentHash: t.exposeString('contentHash', { nullable: true, description: 'Empreinte SHA-256 du contenu transmis, telle que l’accusé de réception la donnait.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'Création du brouillon.' }),
    transmittedAt: t.expose('transmittedAt', { type: 'DateTime', nullable: true, description: 'Transmission au parquet.' }),
    closedAt: t.expose('closedAt', { type: 'DateTime', nullable: true, description: 'Clôture.' }),
    purgedAt: t.expose('purgedAt', { type: 'DateTime', description: 'Purge.' }),
    pieceCount: t.exposeInt('pieceCount', { description: 'Nombre de pièces effacées avec lui.' }),
    purgeEventId: t.string({
      nullable: true,
      description: 'Numéro de l’événement de purge dans le journal d’audit chaîné.',
      resolve: (tombstone) => tombstone.purgeEventId?.toString() ?? null,
    }),
  }),
});

/** Une pierre tombale se lit dans le même périmètre que le signalement qu'elle remplace. */
function tombstoneVisibleWhere(viewer: Viewer): Prisma.SignalementTombstoneWhereInput {
  if (viewer.organizationKind === 'ADMINISTRATION' && (ADMINISTRATION_ROLES as readonly string[]).includes(viewer.role)) {
    return { administrationId: viewer.organizationId };
  }
  if (isParquetStaff(viewer)) return { parquetId: viewer.organizationId, statusAtPurge: { not: 'DRAFT' } };
  return { id: { in: [] } };
}

builder.queryField('purgedSignalement', (t) =>
  t.prismaField({
    type: SignalementTombstoneRef,
    description: 'La trace d’un signalement purgé, par sa référence (IP-AAAA-PARQUET-NNNNNN), dans le périmètre du demandeur.',
    authScopes: { anyRole: ROLES_FOR.read },
    args: { reference: t.arg.string({ required: true, description: 'Référence de procédure.' }) },
    resolve: async (query, _root, args, context) => {
      const reference = validate(procedureReference, args.reference, 'reference');
      const tombstone = await context.prisma.signalementTombstone.findFirst({
        ...query,
        where: { AND: [{ reference }, tombstoneVisibleWhere(context.viewer!)] },
      });
      if (!tombstone) throw new NotFoundError();
      return tombstone;
    },
  }),
);

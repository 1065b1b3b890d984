import { parquetNumberSchema } from '@infoparquet/validation';
import { builder } from '../../../builder.js';
import { validate } from '../../../lib/validate.js';
import { ROLES_FOR } from '../permissions.js';
import { applyTransition } from '../repository.js';
import { SignalementRef } from '../schema.js';
import { loadForAction, reload } from '../workflow.js';

builder.mutationField('registerSignalement', (t) =>
  t.prismaField({
    type: SignalementRef,
    nullable: false,
    description: 'Enregistre le signalement au parquet (il quitte la file d’urgence), avec le numéro parquet facultatif.',
    authScopes: { anyRole: ROLES_FOR.register },
    args: {
      id: t.arg.id({ required: true, description: 'Identifiant du signalement.' }),
      parquetNumber: t.arg.string({ description: 'Numéro parquet attribué par le logiciel du parquet.' }),
    },
    resolve: async (query, _root, args, context) => {
      const { viewer, current } = await loadForAction(context, args.id, 'register');
      const parquetNumber = validate(parquetNumberSchema, args.parquetNumber, 'parquetNumber');
      await applyTransition(context.prisma, viewer, current, 'register', { data: { parquetNumber, registeredAt: new Date() } });
      return reload(context, query, current.id);
    },
  }),
);

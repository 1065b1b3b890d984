import { parquetCode, reasonSchema } from '@infoparquet/validation';
import { builder } from '../../../builder.js';
import { BadUserInputError } from '../../../errors.js';
import { validate } from '../../../lib/validate.js';
import { ROLES_FOR } from '../permissions.js';
import { applyTransition, findParquetByCode } from '../repository.js';
import { SignalementRef } from '../schema.js';
import { loadForAction, reload } from '../workflow.js';

builder.mutationField('transferSignalement', (t) =>
  t.prismaField({
    type: SignalementRef,
    nullable: false,
    description: 'Transfère un signalement transmis au parquet compétent ; il garde sa référence.',
    authScopes: { anyRole: ROLES_FOR.transfer },
    args: {
      id: t.arg.id({ required: true, description: 'Identifiant du signalement.' }),
      parquetCode: t.arg.string({ required: true, description: 'Code du parquet compétent (ex. MARSEILLE).' }),
      reason: t.arg.string({ required: true, description: 'Raison du transfert, visible de l’administration.' }),
    },
    resolve: async (query, _root, args, context) => {
      const { viewer, current } = await loadForAction(context, args.id, 'transfer');
      const code = validate(parquetCode, args.parquetCode, 'parquetCode');
      const reason = validate(reasonSchema('Raison du transfert'), args.reason, 'reason');
      const target = await findParquetByCode(context.prisma, code);
      if (target.id === current.parquetId) {
        throw new BadUserInputError([{ field: 'parquetCode', message: 'Le signalement est déjà adressé à ce parquet.' }]);
      }
      await applyTransition(context.prisma, viewer, current, 'transfer', {
        data: { parquetId: target.id },
        comment: `Transféré au ${target.name} : ${reason}`,
      });
      return reload(context, query, current.id);
    },
  }),
);

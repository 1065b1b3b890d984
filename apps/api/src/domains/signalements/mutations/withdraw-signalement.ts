import { reasonSchema } from '@infoparquet/validation';
import { builder } from '../../../builder.js';
import { validate } from '../../../lib/validate.js';
import { ROLES_FOR } from '../permissions.js';
import { applyTransition } from '../repository.js';
import { SignalementRef } from '../schema.js';
import { loadForAction, reload } from '../workflow.js';

builder.mutationField('withdrawSignalement', (t) =>
  t.prismaField({
    type: SignalementRef,
    nullable: false,
    description: 'Retire un signalement transmis, avant son enregistrement par le parquet, avec un motif.',
    authScopes: { anyRole: ROLES_FOR.withdraw },
    args: {
      id: t.arg.id({ required: true, description: 'Identifiant du signalement.' }),
      reason: t.arg.string({ required: true, description: 'Motif du retrait.' }),
    },
    resolve: async (query, _root, args, context) => {
      const { viewer, current } = await loadForAction(context, args.id, 'withdraw');
      const reason = validate(reasonSchema('Motif du retrait'), args.reason, 'reason');
      await applyTransition(context.prisma, viewer, current, 'withdraw', { data: { withdrawalReason: reason }, comment: reason });
      return reload(context, query, current.id);
    },
  }),
);

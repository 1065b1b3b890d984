import { builder } from '../../../builder.js';
import { ROLES_FOR } from '../permissions.js';
import { applyTransition } from '../repository.js';
import { SignalementRef } from '../schema.js';
import { loadForAction, reload } from '../workflow.js';

builder.mutationField('closeSignalement', (t) =>
  t.prismaField({
    type: SignalementRef,
    nullable: false,
    description: 'Clôture un signalement décidé.',
    authScopes: { anyRole: ROLES_FOR.close },
    args: { id: t.arg.id({ required: true, description: 'Identifiant du signalement.' }) },
    resolve: async (query, _root, args, context) => {
      const { viewer, current } = await loadForAction(context, args.id, 'close');
      await applyTransition(context.prisma, viewer, current, 'close', { data: { closedAt: new Date() } });
      return reload(context, query, current.id);
    },
  }),
);

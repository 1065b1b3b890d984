import { reasonSchema } from '@infoparquet/validation';
import { builder } from '../../../builder.js';
import { validate } from '../../../lib/validate.js';
import { ROLES_FOR } from '../permissions.js';
import { applyTransition } from '../repository.js';
import { SignalementRef } from '../schema.js';
import { loadForAction, reload } from '../workflow.js';

builder.mutationField('reopenSignalement', (t) =>
  t.prismaField({
    type: SignalementRef,
    nullable: false,
    description: 'Rouvre un signalement décidé (faits nouveaux, recours de l’art. 40-3).',
    authScopes: { anyRole: ROLES_FOR.reopen },
    args: {
      id: t.arg.id({ required: true, description: 'Identifiant du signalement.' }),
      reason: t.arg.string({ required: true, description: 'Raison de la réouverture.' }),
    },
    resolve: async (query, _root, args, context) => {
      const { viewer, current } = await loadForAction(context, args.id, 'reopen');
      const reason = validate(reasonSchema('Raison de la réouverture'), args.reason, 'reason');
      await applyTransition(context.prisma, viewer, current, 'reopen', { comment: reason });
      return reload(context, query, current.id);
    },
  }),
);

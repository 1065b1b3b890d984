import { urgencyInputSchema } from '@infoparquet/validation';
import { builder } from '../../../builder.js';
import { validate } from '../../../lib/validate.js';
import { ROLES_FOR } from '../permissions.js';
import { applyTransition } from '../repository.js';
import { SignalementRef, UrgencyReasonEnum } from '../schema.js';
import { loadForAction, reload } from '../workflow.js';

builder.mutationField('setUrgency', (t) =>
  t.prismaField({
    type: SignalementRef,
    nullable: false,
    description: 'Confirme ou lève l’urgence d’un signalement (magistrat) ; le changement est consigné.',
    authScopes: { anyRole: ROLES_FOR.setUrgency },
    args: {
      id: t.arg.id({ required: true, description: 'Identifiant du signalement.' }),
      urgent: t.arg.boolean({ required: true, description: 'Urgent ou non.' }),
      reason: t.arg({ type: UrgencyReasonEnum, description: 'Motif d’urgence (obligatoire si urgent).' }),
      detail: t.arg.string({ description: 'Précision (obligatoire pour le motif OTHER).' }),
    },
    resolve: async (query, _root, args, context) => {
      const { viewer, current } = await loadForAction(context, args.id, 'setUrgency');
      const input = validate(urgencyInputSchema, { urgent: args.urgent, reason: args.reason, detail: args.detail });
      await applyTransition(context.prisma, viewer, current, 'setUrgency', {
        data: {
          urgent: input.urgent,
          urgencyReason: input.urgent ? input.reason : null,
          urgencyDetail: input.urgent ? input.detail : null,
        },
        comment: input.urgent ? 'Urgence confirmée' : 'Urgence levée',
      });
      return reload(context, query, current.id);
    },
  }),
);

import { decisionInputSchema } from '@infoparquet/validation';
import { builder } from '../../../builder.js';
import { BadUserInputError } from '../../../errors.js';
import { validate } from '../../../lib/validate.js';
import { ROLES_FOR } from '../permissions.js';
import { applyTransition } from '../repository.js';
import { DecisionInput, SignalementRef } from '../schema.js';
import { loadForAction, reload } from '../workflow.js';

builder.mutationField('decideSignalement', (t) =>
  t.prismaField({
    type: SignalementRef,
    nullable: false,
    description: 'Décision du procureur (poursuites, alternative, information judiciaire ou classement sans suite motivé, art. 40-2).',
    authScopes: { anyRole: ROLES_FOR.decide },
    args: {
      id: t.arg.id({ required: true, description: 'Identifiant du signalement.' }),
      input: t.arg({ type: DecisionInput, required: true, description: 'La décision.' }),
    },
    resolve: async (query, _root, args, context) => {
      const { viewer, current } = await loadForAction(context, args.id, 'decide');
      const input = validate(decisionInputSchema, args.input, 'input');
      if (input.dismissalReasonCode) {
        const motif = await context.prisma.dismissalReason.findFirst({ where: { code: input.dismissalReasonCode, active: true } });
        if (!motif) {
          throw new BadUserInputError([{ field: 'input.dismissalReasonCode', message: `Motif de classement inconnu : ${input.dismissalReasonCode}.` }]);
        }
      }
      await applyTransition(context.prisma, viewer, current, 'decide', {
        extra: async (tx) => {
          const decision = await tx.decision.create({
            data: {
              signalementId: current.id,
              kind: input.kind,
              dismissalReasonCode: input.dismissalReasonCode,
              reasons: input.reasons,
              authorId: viewer.userId,
            },
          });
          return { decisionId: decision.id, kind: input.kind, dismissalReasonCode: input.dismissalReasonCode };
        },
      });
      return reload(context, query, current.id);
    },
  }),
);

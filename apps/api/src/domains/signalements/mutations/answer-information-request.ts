import { messageSchema } from '@infoparquet/validation';
import { builder } from '../../../builder.js';
import { validate } from '../../../lib/validate.js';
import { ROLES_FOR } from '../permissions.js';
import { applyTransition } from '../repository.js';
import { SignalementRef } from '../schema.js';
import { loadForAction, reload } from '../workflow.js';

builder.mutationField('answerInformationRequest', (t) =>
  t.prismaField({
    type: SignalementRef,
    nullable: false,
    description: 'Répond à la demande de renseignements du parquet (retour au statut « En cours »).',
    authScopes: { anyRole: ROLES_FOR.answerInformationRequest },
    args: {
      id: t.arg.id({ required: true, description: 'Identifiant du signalement.' }),
      message: t.arg.string({ required: true, description: 'La réponse.' }),
    },
    resolve: async (query, _root, args, context) => {
      const { viewer, current } = await loadForAction(context, args.id, 'answerInformationRequest');
      const body = validate(messageSchema, args.message, 'message');
      await applyTransition(context.prisma, viewer, current, 'answerInformationRequest', {
        extra: async (tx) => {
          const message = await tx.message.create({
            data: { signalementId: current.id, kind: 'INFORMATION_ANSWER', body, authorId: viewer.userId, organizationId: viewer.organizationId },
          });
          return { messageId: message.id };
        },
      });
      return reload(context, query, current.id);
    },
  }),
);

import { signalementInputSchema } from '@infoparquet/validation';
import { builder } from '../../../builder.js';
import { validate } from '../../../lib/validate.js';
import { ROLES_FOR } from '../permissions.js';
import { createDraft } from '../repository.js';
import { SignalementInput, SignalementRef } from '../schema.js';

builder.mutationField('createSignalement', (t) =>
  t.prismaField({
    type: SignalementRef,
    nullable: false,
    description: 'Crée un brouillon de signalement pour l’administration du demandeur.',
    authScopes: { anyRole: ROLES_FOR.create },
    args: { input: t.arg({ type: SignalementInput, required: true, description: 'Contenu du signalement.' }) },
    resolve: async (query, _root, args, context) => {
      const input = validate(signalementInputSchema, args.input, 'input');
      return createDraft(context.prisma, context.viewer!, input, query);
    },
  }),
);

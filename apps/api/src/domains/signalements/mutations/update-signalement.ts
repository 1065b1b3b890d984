import { signalementInputSchema } from '@infoparquet/validation';
import { builder } from '../../../builder.js';
import { validate } from '../../../lib/validate.js';
import { ROLES_FOR } from '../permissions.js';
import { updateDraft } from '../repository.js';
import { SignalementInput, SignalementRef } from '../schema.js';
import { loadForAction, reload } from '../workflow.js';

builder.mutationField('updateSignalement', (t) =>
  t.prismaField({
    type: SignalementRef,
    nullable: false,
    description: 'Modifie un brouillon ; après transmission, le contenu ne change plus.',
    authScopes: { anyRole: ROLES_FOR.update },
    args: {
      id: t.arg.id({ required: true, description: 'Identifiant du signalement.' }),
      input: t.arg({ type: SignalementInput, required: true, description: 'Nouveau contenu complet.' }),
    },
    resolve: async (query, _root, args, context) => {
      const { viewer, current } = await loadForAction(context, args.id, 'update');
      const input = validate(signalementInputSchema, args.input, 'input');
      await updateDraft(context.prisma, viewer, current, input);
      return reload(context, query, current.id);
    },
  }),
);

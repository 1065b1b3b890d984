import { builder } from '../../../builder.js';
import { ROLES_FOR } from '../permissions.js';
import { deleteDraft } from '../repository.js';
import { SignalementRef } from '../schema.js';
import { loadForAction, reload } from '../workflow.js';

builder.mutationField('deleteSignalement', (t) =>
  t.prismaField({
    type: SignalementRef,
    nullable: false,
    description: 'Supprime un brouillon (jamais un signalement transmis) ; renvoie son dernier état.',
    authScopes: { anyRole: ROLES_FOR.delete },
    args: { id: t.arg.id({ required: true, description: 'Identifiant du signalement.' }) },
    resolve: async (query, _root, args, context) => {
      const { viewer, current } = await loadForAction(context, args.id, 'delete');
      const last = await reload(context, query, current.id);
      await deleteDraft(context.prisma, viewer, current);
      return last;
    },
  }),
);

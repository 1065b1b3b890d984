import { builder } from '../../../builder.js';
import { ROLES_FOR } from '../permissions.js';
import { findVisibleWithCodes, transmit } from '../repository.js';
import { SignalementRef } from '../schema.js';
import { loadForAction } from '../workflow.js';

builder.mutationField('transmitSignalement', (t) =>
  t.prismaField({
    type: SignalementRef,
    nullable: false,
    description:
      'Transmet le brouillon au parquet : la référence est attribuée et le contenu figé (empreinte SHA-256) dans la même transaction ; la réponse les contient.',
    authScopes: { anyRole: ROLES_FOR.transmit },
    args: { id: t.arg.id({ required: true, description: 'Identifiant du signalement.' }) },
    resolve: async (query, _root, args, context) => {
      const { viewer, current } = await loadForAction(context, args.id, 'transmit', findVisibleWithCodes);
      return transmit(context.prisma, viewer, current, query);
    },
  }),
);

import { builder } from '../../builder.js';
import { internalId } from '../../lib/global-id.js';
import { SignalementRef } from '../signalements/schema.js';
import { reload } from '../signalements/workflow.js';
import { PIECE_ROLES } from './permissions.js';
import { deleteDraftPiece } from './repository.js';
import { pieceStorage } from './storage.js';

builder.mutationField('deletePiece', (t) =>
  t.prismaField({
    type: SignalementRef,
    nullable: false,
    description: 'Retire une pièce d’un brouillon (jamais d’un signalement transmis : ce qui a été déposé reste) ; renvoie le brouillon.',
    authScopes: { anyRole: PIECE_ROLES.delete },
    args: { id: t.arg.id({ required: true, description: 'Identifiant global de la pièce.' }) },
    resolve: async (query, _root, args, context) => {
      const removed = await deleteDraftPiece(context.prisma, context.viewer!, internalId(args.id, 'Piece') ?? '');
      // Après le commit : si l'effacement du fichier échoue, il ne reste qu'un fichier orphelin, jamais une ligne sans fichier.
      await pieceStorage(context.env)
        .remove(removed.storageKey)
        .catch((error: unknown) => console.error('Pièce retirée : fichier non effacé', removed.storageKey, error));
      return reload(context, query, removed.signalementId);
    },
  }),
);

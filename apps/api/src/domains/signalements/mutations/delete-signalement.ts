import { builder } from '../../../builder.js';
import { pieceStorage } from '../../pieces/storage.js';
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
      const storageKeys = await deleteDraft(context.prisma, viewer, current);
      // Après le commit : un effacement manqué ne laisse qu'un fichier orphelin, jamais une pièce sans fichier.
      const storage = pieceStorage(context.env);
      for (const key of storageKeys) {
        await storage.remove(key).catch((error: unknown) => console.error('Brouillon supprimé : fichier de pièce non effacé', key, error));
      }
      return last;
    },
  }),
);

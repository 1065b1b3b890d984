import { z } from 'zod';
import { builder } from '../../../builder.js';
import { BadUserInputError } from '../../../errors.js';
import { internalId } from '../../../lib/global-id.js';
import { validate } from '../../../lib/validate.js';
import { PARQUET_ROLES, ROLES_FOR } from '../permissions.js';
import { applyTransition } from '../repository.js';
import { SignalementRef } from '../schema.js';
import { loadForAction, reload } from '../workflow.js';

const noteSchema = z.string().trim().max(5000, 'Note : 5000 caractères au plus.').nullish().transform((v) => v || null);

builder.mutationField('assignSignalement', (t) =>
  t.prismaField({
    type: SignalementRef,
    nullable: false,
    description: 'Attribue ou oriente le signalement vers un membre du parquet (statut « En cours ») ; la note reste interne au parquet.',
    authScopes: { anyRole: ROLES_FOR.assign },
    args: {
      id: t.arg.id({ required: true, description: 'Identifiant du signalement.' }),
      assigneeId: t.arg.id({ required: true, description: 'Identifiant global du membre du parquet.' }),
      note: t.arg.string({ description: 'Note interne (orientation, service d’enquête saisi…).' }),
    },
    resolve: async (query, _root, args, context) => {
      const { viewer, current } = await loadForAction(context, args.id, 'assign');
      const note = validate(noteSchema, args.note, 'note');
      const assigneeId = internalId(args.assigneeId, 'User');
      const assignee = assigneeId
        ? await context.prisma.user.findFirst({
            where: { id: assigneeId, organizationId: viewer.organizationId, active: true, role: { in: [...PARQUET_ROLES] } },
            select: { id: true },
          })
        : null;
      if (!assignee) {
        throw new BadUserInputError([{ field: 'assigneeId', message: 'Membre du parquet introuvable.' }]);
      }
      await applyTransition(context.prisma, viewer, current, 'assign', {
        data: { assigneeId: assignee.id },
        extra: async (tx) => {
          if (note) {
            await tx.message.create({
              data: { signalementId: current.id, kind: 'INTERNAL_NOTE', body: note, authorId: viewer.userId, organizationId: viewer.organizationId },
            });
          }
        },
      });
      return reload(context, query, current.id);
    },
  }),
);

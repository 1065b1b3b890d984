import { builder } from '../../builder.js';
import type { Context } from '../../context.js';
import { BadUserInputError } from '../../errors.js';
import { internalId } from '../../lib/global-id.js';
import { validate } from '../../lib/validate.js';
import { hashPassword } from '../auth/password.js';
import { changeMemberRole, createMember, deactivateMember, findMember, type Member } from './members-repository.js';
import { MEMBER_ROLES_FOR, memberInputSchema, roleSchema } from './members-rules.js';
import { RoleEnum, UserRef } from './schema.js';
import { temporaryPassword } from './temporary-password.js';

/**
 * Gestion des membres d'une organisation : la liste (tous les membres), la création, le
 * changement de rôle et la désactivation (responsable d'administration et chef de parquet).
 */

const MemberInput = builder.inputType('MemberInput', {
  description: 'Un nouveau membre de l’organisation du demandeur.',
  fields: (t) => ({
    email: t.string({ required: true, description: 'Adresse électronique, identifiant de connexion (unique).' }),
    firstName: t.string({ required: true, description: 'Prénom.' }),
    lastName: t.string({ required: true, description: 'Nom.' }),
    role: t.field({ type: RoleEnum, required: true, description: 'Rôle, parmi ceux de la nature de l’organisation.' }),
  }),
});

interface CreatedMemberShape {
  userId: string;
  temporaryPassword: string;
}

const CreatedMemberRef = builder.objectRef<CreatedMemberShape>('CreatedMember').implement({
  description: 'Le compte créé et son mot de passe provisoire.',
  fields: (t) => ({
    user: t.prismaField({
      type: UserRef,
      description: 'Le nouveau membre.',
      resolve: (query, created, _args, context) => context.prisma.user.findUniqueOrThrow({ ...query, where: { id: created.userId } }),
    }),
    temporaryPassword: t.exposeString('temporaryPassword', {
      description: 'Mot de passe provisoire, montré cette seule fois (seule son empreinte est conservée) : à remettre au membre.',
    }),
  }),
});

const OWN_ACCOUNT = 'Vous ne pouvez pas modifier votre propre compte.';

/** Le membre visé, dans l'organisation du demandeur, et jamais le demandeur lui-même. */
async function loadOtherMember(context: Context, globalId: string) {
  const viewer = context.viewer!;
  const member = await findMember(context.prisma, viewer, internalId(globalId, 'User'));
  if (member.id === viewer.userId) throw new BadUserInputError([{ field: 'id', message: OWN_ACCOUNT }]);
  return { viewer, member };
}

builder.queryField('members', (t) =>
  t.prismaField({
    type: [UserRef],
    description: 'Les membres de l’organisation du demandeur : comptes actifs d’abord, puis par nom et prénom.',
    authScopes: { anyRole: MEMBER_ROLES_FOR.list },
    resolve: (query, _root, _args, context) =>
      context.prisma.user.findMany({
        ...query,
        where: { organizationId: context.viewer!.organizationId },
        orderBy: [{ active: 'desc' }, { lastName: 'asc' }, { firstName: 'asc' }, { id: 'asc' }],
      }),
  }),
);

builder.mutationFields((t) => ({
  createMember: t.field({
    type: CreatedMemberRef,
    description: 'Crée un compte dans l’organisation du demandeur, avec un mot de passe provisoire ; consigné au journal.',
    authScopes: { anyRole: MEMBER_ROLES_FOR.manage },
    args: { input: t.arg({ type: MemberInput, required: true, description: 'Le nouveau membre.' }) },
    resolve: async (_root, args, context) => {
      const viewer = context.viewer!;
      const input = validate(memberInputSchema(viewer.organizationKind), args.input, 'input');
      const password = temporaryPassword();
      const userId = await createMember(context.prisma, viewer, input, await hashPassword(password));
      return { userId, temporaryPassword: password };
    },
  }),
  updateMemberRole: t.prismaField({
    type: UserRef,
    description: 'Change le rôle d’un membre de l’organisation du demandeur ; consigné au journal.',
    authScopes: { anyRole: MEMBER_ROLES_FOR.manage },
    args: {
      id: t.arg.id({ required: true, description: 'Identifiant global du membre.' }),
      role: t.arg({ type: RoleEnum, required: true, description: 'Nouveau rôle, parmi ceux de la nature de l’organisation.' }),
    },
    resolve: async (query, _root, args, context) => {
      const { viewer, member } = await loadOtherMember(context, args.id);
      const role = validate(roleSchema(viewer.organizationKind), args.role, 'role');
      await changeMemberRole(context.prisma, viewer, member, role);
      // Sur cette instance, sans attendre l'annonce de la base aux autres (auth/session-cache.ts).
      context.sessions?.forgetUser(member.id);
      return reload(context, query, member);
    },
  }),
  deactivateMember: t.prismaField({
    type: UserRef,
    description:
      'Désactive le compte d’un membre de l’organisation du demandeur : il ne peut plus se connecter, ses sessions sont révoquées et ses écrans en direct fermés ; consigné au journal.',
    authScopes: { anyRole: MEMBER_ROLES_FOR.manage },
    args: { id: t.arg.id({ required: true, description: 'Identifiant global du membre.' }) },
    resolve: async (query, _root, args, context) => {
      const { viewer, member } = await loadOtherMember(context, args.id);
      const revoked = await deactivateMember(context.prisma, viewer, member);
      context.sessions?.forgetUser(member.id);
      // Après le commit : ses WebSockets se ferment, sur toutes les instances.
      for (const sessionId of revoked) context.realtime.sessionRevoked(sessionId);
      return reload(context, query, member);
    },
  }),
}));

/** Relit le membre avec la sélection demandée par la requête GraphQL. */
function reload<Query extends object>(context: Context, query: Query, member: Member) {
  return context.prisma.user.findUniqueOrThrow({ ...query, where: { id: member.id } });
}

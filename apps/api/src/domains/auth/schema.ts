import { builder } from '../../builder.js';
import { UnauthenticatedError } from '../../errors.js';
import { appendAuditEvent } from '../audit/chain.js';
import { UserRef } from '../organizations/schema.js';
import { decoyPasswordHash, verifyPassword } from './password.js';
import { hashToken, newSessionToken } from './sessions.js';

interface SessionShape {
  token: string;
  userId: string;
  expiresAt: Date;
}

const SessionRef = builder.objectRef<SessionShape>('Session').implement({
  description: 'Session ouverte : le jeton à envoyer dans `Authorization: Bearer <jeton>`.',
  fields: (t) => ({
    token: t.exposeString('token', { description: 'Jeton de session, montré une seule fois ; seul son hachage est conservé.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', description: 'Fin de validité de la session.' }),
    user: t.prismaField({
      type: UserRef,
      description: 'L’utilisateur connecté.',
      resolve: (query, session, _args, context) =>
        context.prisma.user.findUniqueOrThrow({ ...query, where: { id: session.userId } }),
    }),
  }),
});

builder.mutationField('login', (t) =>
  t.field({
    type: SessionRef,
    description: 'Ouvre une session avec une adresse électronique et un mot de passe.',
    args: {
      email: t.arg.string({ required: true, description: 'Adresse électronique.' }),
      password: t.arg.string({ required: true, description: 'Mot de passe.' }),
    },
    resolve: async (_root, { email, password }, context) => {
      const user = await context.prisma.user.findUnique({ where: { email: email.trim().toLowerCase() } });
      // Même coût de calcul pour un compte inconnu : la réponse ne dit pas si l'adresse existe.
      const valid = await verifyPassword(password, user?.passwordHash ?? (await decoyPasswordHash()));
      if (!user || !valid || !user.active) {
        throw new UnauthenticatedError('Adresse électronique ou mot de passe incorrect.');
      }
      const token = newSessionToken();
      const expiresAt = new Date(Date.now() + context.env.SESSION_TTL_HOURS * 3600 * 1000);
      const sessionId = await context.prisma.$transaction(async (tx) => {
        const session = await tx.session.create({ data: { tokenHash: hashToken(token), userId: user.id, expiresAt } });
        await appendAuditEvent(tx, {
          actorId: user.id,
          organizationId: user.organizationId,
          action: 'SESSION_OPENED',
          targetType: 'Session',
          targetId: session.id,
          internal: true,
        });
        return session.id;
      });
      // Le reste de la réponse (`user { … }`) se lit déjà avec les droits de la session ouverte.
      const organization = await context.prisma.organization.findUniqueOrThrow({ where: { id: user.organizationId } });
      context.viewer = {
        userId: user.id,
        sessionId,
        role: user.role,
        organizationId: organization.id,
        organizationKind: organization.kind,
        organizationCode: organization.code,
      };
      return { token, userId: user.id, expiresAt };
    },
  }),
);

builder.mutationField('logout', (t) =>
  t.boolean({
    description: 'Ferme la session en cours : son jeton ne sert plus à rien.',
    authScopes: { loggedIn: true },
    resolve: async (_root, _args, context) => {
      const viewer = context.viewer!;
      await context.prisma.$transaction(async (tx) => {
        await tx.session.update({ where: { id: viewer.sessionId }, data: { revokedAt: new Date() } });
        await appendAuditEvent(tx, {
          actorId: viewer.userId,
          organizationId: viewer.organizationId,
          action: 'SESSION_CLOSED',
          targetType: 'Session',
          targetId: viewer.sessionId,
          internal: true,
        });
      });
      // Le jeton ne sert plus sur cette instance, ni, dès l'annonce de la base, sur les autres ;
      // les WebSockets ouvertes avec lui se ferment, sur toutes les instances.
      context.sessions?.forgetUser(viewer.userId);
      context.realtime.sessionRevoked(viewer.sessionId);
      return true;
    },
  }),
);

builder.queryField('me', (t) =>
  t.prismaField({
    type: UserRef,
    description: 'L’utilisateur connecté.',
    authScopes: { loggedIn: true },
    resolve: (query, _root, _args, context) =>
      context.prisma.user.findUniqueOrThrow({ ...query, where: { id: context.viewer!.userId } }),
  }),
);

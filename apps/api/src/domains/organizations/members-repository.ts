import { Prisma, type PrismaClient, type Role } from '@infoparquet/db';
import { BadUserInputError, ConflictError, NotFoundError } from '../../errors.js';
import { appendAuditEvent } from '../audit/chain.js';
import type { Viewer } from '../auth/sessions.js';
import type { MemberInputData } from './members-rules.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ce qu'on lit et consigne d'un membre : jamais l'empreinte du mot de passe. */
const MEMBER_FIELDS = { id: true, email: true, firstName: true, lastName: true, role: true, active: true, organizationId: true } as const;
export type Member = Prisma.UserGetPayload<{ select: typeof MEMBER_FIELDS }>;

const DUPLICATE_EMAIL = () => new BadUserInputError([{ field: 'input.email', message: 'Adresse électronique déjà utilisée.' }]);
const MEMBER_CHANGED = () =>
  new ConflictError('Ce compte a été modifié entre-temps par quelqu’un d’autre : rechargez la liste des membres puis recommencez.');

function snapshot(member: Member) {
  const { id: _id, organizationId: _organizationId, ...rest } = member;
  return rest;
}

function auditScope(viewer: Viewer, memberId: string) {
  return { actorId: viewer.userId, organizationId: viewer.organizationId, targetType: 'User', targetId: memberId, internal: true };
}

/**
 * Un membre de l'organisation du demandeur ; un identifiant inconnu, illisible ou d'une autre
 * organisation donne la même réponse.
 */
export async function findMember(prisma: PrismaClient, viewer: Viewer, id: string | null): Promise<Member> {
  const member =
    id && UUID.test(id)
      ? await prisma.user.findFirst({ where: { id, organizationId: viewer.organizationId }, select: MEMBER_FIELDS })
      : null;
  if (!member) throw new NotFoundError('Membre');
  return member;
}

/** Crée le compte (mot de passe provisoire déjà haché) et le consigne ; rend son identifiant. */
export async function createMember(prisma: PrismaClient, viewer: Viewer, input: MemberInputData, passwordHash: string): Promise<string> {
  if (await prisma.user.findUnique({ where: { email: input.email }, select: { id: true } })) throw DUPLICATE_EMAIL();
  try {
    return await prisma.$transaction(async (tx) => {
      const created = await tx.user.create({
        data: { ...input, passwordHash, organizationId: viewer.organizationId },
        select: MEMBER_FIELDS,
      });
      await appendAuditEvent(tx, { ...auditScope(viewer, created.id), action: 'MEMBER_CREATED', after: snapshot(created) });
      return created.id;
    });
  } catch (error) {
    // Deux créations simultanées avec la même adresse : l'index unique tranche.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') throw DUPLICATE_EMAIL();
    throw error;
  }
}

/** Change le rôle, seulement si personne ne l'a changé depuis la lecture. */
export async function changeMemberRole(prisma: PrismaClient, viewer: Viewer, member: Member, role: Role): Promise<void> {
  if (member.role === role) return;
  await prisma.$transaction(async (tx) => {
    const { count } = await tx.user.updateMany({
      where: { id: member.id, organizationId: viewer.organizationId, role: member.role },
      data: { role },
    });
    if (count === 0) throw MEMBER_CHANGED();
    await appendAuditEvent(tx, {
      ...auditScope(viewer, member.id),
      action: 'MEMBER_ROLE_CHANGED',
      before: { role: member.role },
      after: { role },
    });
  });
}

/**
 * Désactive le compte et révoque ses sessions en cours, dans une transaction ; rend les sessions
 * révoquées pour que l'appelant ferme leurs WebSockets une fois le commit fait.
 */
export async function deactivateMember(prisma: PrismaClient, viewer: Viewer, member: Member): Promise<string[]> {
  if (!member.active) return [];
  return prisma.$transaction(async (tx) => {
    const now = new Date();
    const { count } = await tx.user.updateMany({
      where: { id: member.id, organizationId: viewer.organizationId, active: true },
      data: { active: false },
    });
    if (count === 0) throw MEMBER_CHANGED();
    const sessions = await tx.session.findMany({
      where: { userId: member.id, revokedAt: null, expiresAt: { gt: now } },
      select: { id: true },
    });
    const sessionIds = sessions.map((session) => session.id);
    if (sessionIds.length > 0) await tx.session.updateMany({ where: { id: { in: sessionIds } }, data: { revokedAt: now } });
    await appendAuditEvent(tx, {
      ...auditScope(viewer, member.id),
      action: 'MEMBER_DEACTIVATED',
      before: { active: true },
      after: { active: false, revokedSessions: sessionIds.length },
    });
    return sessionIds;
  });
}

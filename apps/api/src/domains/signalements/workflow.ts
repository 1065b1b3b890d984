import type { Signalement } from '@infoparquet/db';
import type { Context } from '../../context.js';
import { ForbiddenError, NotFoundError } from '../../errors.js';
import { internalId } from '../../lib/global-id.js';
import type { Viewer } from '../auth/sessions.js';
import { roleAllows, type SignalementAction } from './permissions.js';
import { findVisibleSignalement } from './repository.js';

/**
 * Le début commun des mutations : qui demande, le signalement dans son périmètre (sinon
 * NOT_FOUND, comme un identifiant inconnu), puis s'il a le droit de faire cette opération.
 */
export async function loadForAction<Loaded extends Signalement = Signalement>(
  context: Context,
  globalId: string,
  action: SignalementAction,
  /** La lecture dans le périmètre ; une mutation peut y joindre ce dont elle a besoin (une requête). */
  find: (prisma: Context['prisma'], viewer: Viewer, id: string) => Promise<Loaded> = findVisibleSignalement as never,
): Promise<{ viewer: Viewer; current: Loaded }> {
  const viewer = context.viewer;
  if (!viewer) throw new ForbiddenError();
  const id = internalId(globalId, 'Signalement');
  if (!id) throw new NotFoundError();
  const current = await find(context.prisma, viewer, id);
  if (!roleAllows(viewer.role, action)) throw new ForbiddenError();
  return { viewer, current };
}

/** Relit le signalement avec la sélection demandée par la requête GraphQL. */
export function reload<Query extends object>(context: Context, query: Query, id: string) {
  return context.prisma.signalement.findUniqueOrThrow({ ...query, where: { id } });
}

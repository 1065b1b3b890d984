import type { Signalement } from '@infoparquet/db';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../../builder.js';
import type { Context } from '../../context.js';
import type { SignalementEventKind } from '../../realtime/events.js';
import { SignalementEventKindEnum } from '../../realtime/schema.js';
import { ROLES_FOR, visibleWhere } from '../signalements/permissions.js';
import { SignalementRef, SignalementStatusEnum } from '../signalements/schema.js';
import { checkPageSize, PAGE_MAX } from '../../lib/pagination.js';
import { parseFeedCursor, readFeed, type FeedRow } from './repository.js';

/**
 * `events(after:, first:)` : le flux d'événements des partenaires (voir repository.ts pour l'ordre
 * et la visibilité). Le curseur d'un événement est l'identifiant de sa ligne du journal, en
 * chiffres : le même que celui des abonnements (`signalementEvents(after:)`) et que le champ `id`
 * des webhooks, si bien qu'un logiciel peut passer de l'un à l'autre sans rien manquer.
 */

/** Les signalements d'une page, lus en une requête pour tous ses événements (par sélection demandée). */
class PageSignalements {
  private readonly loads = new Map<string, Promise<Map<string, Signalement>>>();
  constructor(private readonly ids: string[]) {}

  load(context: Context, query: object, id: string): Promise<Signalement | null> {
    const key = JSON.stringify(query);
    let load = this.loads.get(key);
    if (!load) {
      load = context.prisma.signalement
        .findMany({ ...(query as object), where: { AND: [{ id: { in: this.ids } }, visibleWhere(context.viewer!)] } })
        .then((rows) => new Map(rows.map((row) => [row.id, row as Signalement])));
      this.loads.set(key, load);
    }
    return load.then((rows) => rows.get(id) ?? null);
  }
}

interface FeedEvent extends FeedRow {
  page: PageSignalements;
}

const TOMBSTONES: ReadonlySet<SignalementEventKind> = new Set(['DELETED', 'PURGED']);

const EventRef = builder.objectRef<FeedEvent>('Event').implement({
  description:
    'Un événement du flux : un changement d’un signalement que l’organisation du demandeur peut voir. Sans contenu : le signalement se relit par `signalement` (ou par son identifiant), dans le périmètre du demandeur.',
  fields: (t) => ({
    id: t.id({ description: 'Identifiant de l’événement : son curseur (chiffres, croissants dans l’ordre des commits).', resolve: (e) => e.id.toString() }),
    cursor: t.string({ description: 'Curseur à repasser en `after` (flux, abonnements, rejeu des webhooks) pour reprendre après lui.', resolve: (e) => e.id.toString() }),
    kind: t.field({ type: SignalementEventKindEnum, description: 'Nature du changement.', resolve: (e) => e.kind }),
    at: t.expose('at', { type: 'DateTime', description: 'Instant du changement.' }),
    signalementId: t.id({ description: 'Identifiant global du signalement (il reste dans l’événement après une suppression ou une purge).', resolve: (e) => encodeGlobalID('Signalement', e.signalementId) }),
    reference: t.exposeString('reference', {
      nullable: true,
      description: 'Référence de procédure du signalement (nulle pour un brouillon jamais transmis) ; celle de la pierre tombale après une purge.',
    }),
    tombstone: t.boolean({
      description: 'Vrai pour une pierre tombale : le signalement n’existe plus (brouillon supprimé, DELETED, ou purgé à l’échéance de conservation, PURGED).',
      resolve: (e) => TOMBSTONES.has(e.kind),
    }),
    fromStatus: t.field({ type: SignalementStatusEnum, nullable: true, description: 'Statut avant (nul quand l’étape ne change pas le statut ou après une purge).', resolve: (e) => e.fromStatus }),
    toStatus: t.field({ type: SignalementStatusEnum, nullable: true, description: 'Statut après (nul quand l’étape ne change pas le statut ou après une purge).', resolve: (e) => e.toStatus }),
    signalement: t.prismaField({
      type: SignalementRef,
      nullable: true,
      description:
        'Le signalement dans son état actuel ; nul s’il n’existe plus (supprimé, purgé) ou n’est plus visible (transféré à un autre parquet). Lu pour toute la page en une requête.',
      resolve: (query, e, _args, context) => e.page.load(context, query, e.signalementId),
    }),
  }),
});

const EventConnection = builder.connectionObject(
  {
    type: EventRef,
    name: 'EventConnection',
    description:
      'Page du flux d’événements, du plus ancien au plus récent. `pageInfo.endCursor` est la position atteinte : à repasser en `after`, même quand la page est vide (il peut alors dépasser le dernier événement rendu).',
  },
  { name: 'EventEdge', description: 'Un événement dans une page du flux.' },
);

builder.queryField('events', (t) =>
  t.field({
    type: EventConnection,
    description: `Le flux d’événements : chaque changement des signalements que l’organisation du demandeur peut voir, dans l’ordre des commits, sans trou ni doublon d’une page à l’autre ; suppressions et purges y figurent comme pierres tombales. Pages de 1 à ${PAGE_MAX}.`,
    authScopes: { anyRole: ROLES_FOR.read },
    args: {
      after: t.arg.string({ description: 'Position après laquelle lire : le `endCursor` de la page précédente (ou le curseur d’un événement reçu) ; absent, depuis le début.' }),
      first: t.arg.int({ required: true, description: `Nombre d’événements, de 1 à ${PAGE_MAX}.` }),
    },
    resolve: async (_root, args, context) => {
      const viewer = context.viewer!;
      checkPageSize(args.first);
      const after = parseFeedCursor(args.after);
      const page = await readFeed(context.prisma, viewer, after, args.first);
      const signalements = new PageSignalements([...new Set(page.rows.map((row) => row.signalementId))]);
      const edges = page.rows.map((row) => ({ cursor: row.id.toString(), node: { ...row, page: signalements } }));
      return {
        edges,
        pageInfo: {
          hasNextPage: page.hasNextPage,
          hasPreviousPage: after > 0n,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: page.position?.toString() ?? null,
        },
      } as never;
    },
  }),
);

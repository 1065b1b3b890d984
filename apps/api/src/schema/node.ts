import { brandWithType } from '@pothos/core';
import { queryFromInfo } from '@pothos/plugin-prisma';
import { decodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../builder.js';
import { UUID } from '../lib/global-id.js';
import { OrganizationRef, UserRef } from '../domains/organizations/schema.js';
import { visibleWhere } from '../domains/signalements/permissions.js';
import { recordView } from '../domains/signalements/repository.js';
import { SignalementRef } from '../domains/signalements/schema.js';


/**
 * `node(id)` de la spécification Relay. Un identifiant illisible, inconnu ou hors du périmètre
 * du demandeur donne `null`, sans distinction ; lire un signalement ainsi est une consultation
 * consignée comme les autres.
 */
builder.queryField('node', (t) =>
  t.field({
    type: builder.nodeInterfaceRef(),
    nullable: true,
    description: 'Un objet par son identifiant global ; `null` s’il n’existe pas ou n’est pas visible.',
    authScopes: { loggedIn: true },
    args: { id: t.arg.id({ required: true, description: 'Identifiant global.' }) },
    resolve: async (_root, args, context, info) => {
      let decoded: { typename: string; id: string };
      try {
        decoded = decodeGlobalID(args.id);
      } catch {
        return null;
      }
      if (!UUID.test(decoded.id)) return null;
      const viewer = context.viewer!;
      const query = queryFromInfo({ context, info, typeName: decoded.typename }) as object;
      switch (decoded.typename) {
        case 'Signalement': {
          const signalement = await context.prisma.signalement.findFirst({
            ...query,
            where: { AND: [{ id: decoded.id }, visibleWhere(viewer)] },
          });
          if (!signalement) return null;
          await recordView(context.prisma, viewer, signalement);
          brandWithType(signalement, SignalementRef);
          return signalement;
        }
        case 'Organization': {
          const organization = await context.prisma.organization.findUnique({ ...query, where: { id: decoded.id } });
          if (organization) brandWithType(organization, OrganizationRef);
          return organization;
        }
        case 'User': {
          // Par identifiant, seuls les membres de sa propre organisation (les autres apparaissent
          // seulement comme auteurs, dans ce que le demandeur peut déjà voir).
          const user = await context.prisma.user.findFirst({ ...query, where: { id: decoded.id, organizationId: viewer.organizationId } });
          if (user) brandWithType(user, UserRef);
          return user;
        }
        default:
          return null;
      }
    },
  }),
);

import { builder } from '../../builder.js';
import { piecePath, piecesArchivePath, piecesUploadPath } from '../documents/paths.js';
import { isParquetStaff } from '../signalements/permissions.js';
import { SignalementRef } from '../signalements/schema.js';
import { CLOSED_TO_PIECES, notInternal, PIECE_ROLES, pieceVisibleWhere } from './permissions.js';
import { PIECE_ORDER } from './repository.js';

export const PieceRef = builder.prismaNode('Piece', {
  description:
    'Pièce jointe (procès-verbal, photo, tableur…), immuable une fois déposée : nom, taille, empreinte SHA-256 ; le contenu se télécharge à `downloadPath`.',
  id: { field: 'id' },
  // Toute lecture par identifiant reste dans le périmètre du demandeur (notes internes comprises).
  findUnique: (id, context) => ({ id, AND: [context.viewer ? pieceVisibleWhere(context.viewer) : { id: { in: [] } }] }),
  fields: (t) => ({
    filename: t.exposeString('filename', { description: 'Nom du fichier tel que déposé.' }),
    size: t.string({
      description: 'Taille en octets, en chiffres décimaux (une chaîne : une pièce peut dépasser 2³¹ octets).',
      select: { size: true },
      resolve: (piece) => piece.size.toString(),
    }),
    sha256: t.exposeString('sha256', { description: 'Empreinte SHA-256 du contenu, en hexadécimal, calculée à la réception.' }),
    contentType: t.exposeString('contentType', {
      description: 'Type de contenu déclaré par le déposant, pour information : le téléchargement est toujours servi en application/octet-stream.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'Date et heure du dépôt.' }),
    addedAfterTransmission: t.exposeBoolean('addedAfterTransmission', {
      description: 'Vrai pour un complément déposé après la transmission : daté, il s’ajoute sans rien remplacer et ne figure pas sur l’accusé de réception.',
    }),
    uploadedBy: t.relation('uploadedBy', { description: 'La personne qui a déposé la pièce.' }),
    message: t.relation('message', { nullable: true, description: 'Le message auquel la pièce est jointe, s’il y en a un.' }),
    downloadPath: t.string({
      description: 'Chemin relatif du téléchargement, avec la même authentification ; chaque téléchargement est consigné.',
      select: { id: true },
      resolve: (piece) => piecePath(piece.id),
    }),
  }),
});

builder.prismaObjectField(SignalementRef, 'pieces', (t) =>
  t.relation('pieces', {
    description:
      'Les pièces jointes, dans l’ordre du dépôt : celles du brouillon (transmises avec lui), puis les compléments et les pièces des messages ; celles des notes internes du parquet ne sont visibles que du parquet.',
    query: (_args, context) => ({
      where: context.viewer && isParquetStaff(context.viewer) ? {} : notInternal,
      orderBy: PIECE_ORDER,
    }),
  }),
);

builder.prismaObjectField(SignalementRef, 'piecesArchivePath', (t) =>
  t.string({
    description: 'Chemin relatif de l’archive ZIP de toutes les pièces visibles du demandeur (téléchargement consigné).',
    select: { id: true },
    resolve: (signalement) => piecesArchivePath(signalement.id),
  }),
);

builder.prismaObjectField(SignalementRef, 'piecesUploadPath', (t) =>
  t.string({
    nullable: true,
    description:
      'Chemin relatif de l’envoi des pièces (POST multipart/form-data, champs `file`), si le demandeur peut en joindre au signalement lui-même : l’administration (agent, responsable) tant qu’il n’est ni retiré ni clôturé. Nul sinon ; le parquet joint les siennes à ses messages (champ `message`).',
    select: { id: true, status: true, administrationId: true },
    resolve: (signalement, _args, context) => {
      const viewer = context.viewer;
      const allowed =
        viewer !== null &&
        viewer.organizationId === signalement.administrationId &&
        (PIECE_ROLES.administration as readonly string[]).includes(viewer.role) &&
        !CLOSED_TO_PIECES.includes(signalement.status);
      return allowed ? piecesUploadPath(signalement.id) : null;
    },
  }),
);

builder.prismaObjectField('Message', 'pieces', (t) =>
  t.relation('pieces', {
    description: 'Les pièces jointes à ce message, dans l’ordre du dépôt.',
    query: { orderBy: PIECE_ORDER },
  }),
);

builder.queryField('pieceMaxBytes', (t) =>
  t.string({
    description: 'Taille maximale d’une pièce, en octets (chaîne décimale), pour prévenir avant l’envoi ; l’API refuse au-delà (HTTP 413).',
    authScopes: { loggedIn: true },
    resolve: (_root, _args, context) => String(context.env.PIECE_MAX_BYTES),
  }),
);

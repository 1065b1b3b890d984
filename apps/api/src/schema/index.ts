/**
 * Le schéma GraphQL : chaque domaine déclare ses types et ses opérations à côté de son code ;
 * ce fichier les importe tous puis construit le schéma.
 */
import { lexicographicSortSchema } from 'graphql';
import { builder } from '../builder.js';
import '../domains/organizations/schema.js';
import '../domains/organizations/members.js';
import '../domains/notifications/schema.js';
import '../domains/reference/schema.js';
import '../domains/auth/schema.js';
import '../domains/signalements/schema.js';
import '../domains/signalements/queries.js';
import '../domains/signalements/mutations/create-signalement.js';
import '../domains/signalements/mutations/update-signalement.js';
import '../domains/signalements/mutations/delete-signalement.js';
import '../domains/signalements/mutations/transmit-signalement.js';
import '../domains/signalements/mutations/withdraw-signalement.js';
import '../domains/signalements/mutations/transfer-signalement.js';
import '../domains/signalements/mutations/register-signalement.js';
import '../domains/signalements/mutations/assign-signalement.js';
import '../domains/signalements/mutations/request-information.js';
import '../domains/signalements/mutations/answer-information-request.js';
import '../domains/signalements/mutations/decide-signalement.js';
import '../domains/signalements/mutations/reopen-signalement.js';
import '../domains/signalements/mutations/close-signalement.js';
import '../domains/signalements/mutations/set-urgency.js';
import '../domains/pieces/schema.js';
import '../domains/pieces/delete-piece.js';
import '../domains/retention/schema.js';
import './node.js';
import '../realtime/schema.js';
import '../domains/api-tokens/schema.js';
import '../domains/feed/schema.js';
import '../domains/webhooks/schema.js';

export const schema = lexicographicSortSchema(builder.toSchema());

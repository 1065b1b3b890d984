import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { fr } from '@codegouvfr/react-dsfr';
import { graphql } from '@/graphql/graphql';
import { queryApi } from '@/graphql/server';
import { formatDateTime } from '@/lib/labels';
import { canManageMembers, requireViewer } from '@/lib/viewer';
import { CreateApiTokenForm, RegisterWebhookForm, RevokeApiTokenButton, WebhookActions } from './AccessForms';

export const metadata: Metadata = { title: 'Accès API' };

const AccessQuery = graphql(`
  query ApiAccess {
    apiTokens { id name tokenPrefix scopes allowedNetworks expiresAt status lastUsedAt lastUsedIp createdBy { displayName } }
    webhooks { id url description events active consecutiveFailures disabledReason createdAt }
  }
`);

const STATUS_LABELS = { ACTIVE: 'Actif', EXPIRED: 'Expiré', REVOKED: 'Révoqué' } as const;

/** Les événements qu'un webhook peut recevoir, dans l'ordre du cycle de vie. */
const EVENT_LABELS: Record<string, string> = {
  CREATED: 'Brouillon créé',
  UPDATED: 'Brouillon modifié',
  DELETED: 'Brouillon supprimé',
  TRANSMITTED: 'Transmis',
  WITHDRAWN: 'Retiré',
  TRANSFERRED: 'Transféré',
  REGISTERED: 'Enregistré',
  ASSIGNED: 'Attribué',
  INFORMATION_REQUESTED: 'Renseignements demandés',
  INFORMATION_ANSWERED: 'Réponse de l’administration',
  DECIDED: 'Décision',
  REOPENED: 'Rouvert',
  CLOSED: 'Clôturé',
  URGENCY_CHANGED: 'Urgence requalifiée',
  ESCALATED: 'Alerte d’urgent non enregistré',
  PURGED: 'Purgé',
  PIECE_ADDED: 'Pièce ajoutée',
};

const isoDate = (date: Date) => date.toISOString().slice(0, 10);

function Table({ caption, head, children }: { caption: string; head: string[]; children: React.ReactNode }) {
  return (
    <div className={fr.cx('fr-table')}>
      <div className={fr.cx('fr-table__wrapper')}>
        <div className={fr.cx('fr-table__container')}>
          <div className={fr.cx('fr-table__content')}>
            <table>
              <caption className={fr.cx('fr-sr-only')}>{caption}</caption>
              <thead>
                <tr>
                  {head.map((label) => (
                    <th key={label} scope="col">
                      {label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>{children}</tbody>
            </table>
          </div>
        </div>
      </div>
    </div>
  );
}

export default async function ApiAccessPage() {
  const viewer = await requireViewer();
  if (!canManageMembers(viewer)) redirect('/');
  const { apiTokens, webhooks } = await queryApi(AccessQuery);
  const now = Date.now();
  return (
    <>
      <p className={fr.cx('fr-mb-1w')}>
        <Link href="/organisation">← {viewer.organization.name}</Link>
      </p>
      <h1>Accès API</h1>
      <p>
        Les logiciels de votre organisation utilisent l’API GraphQL avec un jeton d’API, et peuvent recevoir les événements de vos
        signalements par webhook. La documentation des partenaires (exemples, limites, vérification des signatures) est dans le
        fichier <code>docs/API.md</code> du projet.
      </p>

      <h2 className={fr.cx('fr-h4')}>Jetons d’API</h2>
      {apiTokens.length === 0 ? (
        <p>Aucun jeton pour l’instant.</p>
      ) : (
        <Table caption="Jetons d’API de l’organisation" head={['Nom', 'Début du jeton', 'Portées', 'Réseaux', 'Échéance', 'Dernière utilisation', 'État', '']}>
          {apiTokens.map((token) => (
            <tr key={token.id}>
              <td>
                {token.name}
                <br />
                <span className={fr.cx('fr-text--xs')}>créé par {token.createdBy.displayName}</span>
              </td>
              <td>
                <code>{token.tokenPrefix}…</code>
              </td>
              <td>{token.scopes.map((scope) => (scope === 'READ' ? 'Lecture' : 'Écriture')).join(', ')}</td>
              <td>{token.allowedNetworks.length > 0 ? token.allowedNetworks.join(', ') : 'Partout'}</td>
              <td>{formatDateTime(token.expiresAt)}</td>
              <td>{token.lastUsedAt ? `${formatDateTime(token.lastUsedAt)}${token.lastUsedIp ? ` (${token.lastUsedIp})` : ''}` : 'Jamais'}</td>
              <td>{STATUS_LABELS[token.status]}</td>
              <td>{token.status === 'ACTIVE' ? <RevokeApiTokenButton id={token.id} name={token.name} /> : null}</td>
            </tr>
          ))}
        </Table>
      )}
      <h3 className={fr.cx('fr-h6', 'fr-mt-3w')}>Créer un jeton</h3>
      <CreateApiTokenForm defaultExpiry={isoDate(new Date(now + 90 * 86_400_000))} maxExpiry={isoDate(new Date(now + 365 * 86_400_000))} />

      <h2 className={fr.cx('fr-h4', 'fr-mt-4w')}>Webhooks</h2>
      {webhooks.length === 0 ? (
        <p>Aucune adresse pour l’instant.</p>
      ) : (
        <Table caption="Adresses de webhook de l’organisation" head={['Adresse', 'Événements', 'État', '']}>
          {webhooks.map((webhook) => (
            <tr key={webhook.id}>
              <td>
                <code>{webhook.url}</code>
                {webhook.description ? (
                  <>
                    <br />
                    <span className={fr.cx('fr-text--xs')}>{webhook.description}</span>
                  </>
                ) : null}
              </td>
              <td>{webhook.events.map((event) => EVENT_LABELS[event] ?? event).join(', ')}</td>
              <td>
                {webhook.active
                  ? webhook.consecutiveFailures > 0
                    ? `Active, ${webhook.consecutiveFailures} échec(s) récent(s)`
                    : 'Active'
                  : `Désactivée : ${webhook.disabledReason ?? 'échecs répétés'}`}
              </td>
              <td>
                <WebhookActions id={webhook.id} url={webhook.url} active={webhook.active} />
              </td>
            </tr>
          ))}
        </Table>
      )}
      <h3 className={fr.cx('fr-h6', 'fr-mt-3w')}>Enregistrer une adresse</h3>
      <RegisterWebhookForm events={Object.entries(EVENT_LABELS).map(([value, label]) => ({ value, label }))} />
    </>
  );
}

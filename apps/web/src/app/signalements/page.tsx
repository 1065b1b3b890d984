import type { Metadata } from 'next';
import Link from 'next/link';
import { Suspense } from 'react';
import { fr } from '@codegouvfr/react-dsfr';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { SearchBar } from '@codegouvfr/react-dsfr/SearchBar';
import { Table } from '@codegouvfr/react-dsfr/Table';
import { ListTabs } from '@/components/ListTabs';
import { StatusBadge, UrgentBadge } from '@/components/StatusBadge';
import { graphql, type VariablesOf } from '@/graphql/graphql';
import { queryApi } from '@/graphql/server';
import { formatShort, type Status } from '@/lib/labels';
import { canCreateSignalement, isParquet, requireViewer } from '@/lib/viewer';

export const metadata: Metadata = { title: 'Signalements' };

const SignalementsQuery = graphql(`
  query Signalements($first: Int!, $after: String, $filter: SignalementFilter) {
    signalements(first: $first, after: $after, filter: $filter) {
      totalCount
      edges {
        node {
          id
          reference
          title
          status
          urgent
          createdAt
          transmittedAt
          administration { name }
          parquet { name }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

type Filter = NonNullable<VariablesOf<typeof SignalementsQuery>['filter']>;

const ADMINISTRATION_TABS: { id: string; label: string; status: Status[] }[] = [
  { id: 'brouillons', label: 'Brouillons', status: ['DRAFT'] },
  { id: 'transmis', label: 'Transmis', status: ['TRANSMITTED', 'REGISTERED'] },
  { id: 'en-cours', label: 'En cours', status: ['IN_PROGRESS'] },
  { id: 'action-requise', label: 'Action requise', status: ['INFORMATION_REQUESTED'] },
  { id: 'decides', label: 'Décidés', status: ['DECIDED', 'CLOSED', 'WITHDRAWN'] },
];

const PARQUET_TABS: { id: string; label: string; status: Status[] }[] = [
  { id: 'a-enregistrer', label: 'À enregistrer', status: ['TRANSMITTED'] },
  { id: 'en-cours', label: 'En traitement', status: ['REGISTERED', 'IN_PROGRESS', 'INFORMATION_REQUESTED'] },
  { id: 'decides', label: 'Décidés', status: ['DECIDED', 'CLOSED', 'WITHDRAWN'] },
];

const PAGE_SIZE = 20;

export default async function SignalementsPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const viewer = await requireViewer();
  const params = await searchParams;
  const parquet = isParquet(viewer);
  const tabs = parquet ? PARQUET_TABS : ADMINISTRATION_TABS;
  const tab = tabs.find((candidate) => candidate.id === params.onglet) ?? tabs[parquet ? 0 : 1]!;
  const search = params.q?.trim() || undefined;
  const filter: Filter = { status: tab.status, ...(search ? { search } : {}), ...(params.urgent === '1' ? { urgent: true } : {}) };
  const data = await queryApi(SignalementsQuery, { first: PAGE_SIZE, after: params.apres ?? null, filter });
  const { edges, pageInfo, totalCount } = data.signalements;

  const keep = (extra: Record<string, string | undefined>) => {
    const next = new URLSearchParams();
    next.set('onglet', tab.id);
    if (search) next.set('q', search);
    if (params.urgent === '1') next.set('urgent', '1');
    for (const [key, value] of Object.entries(extra)) if (value) next.set(key, value);
    return `/signalements?${next.toString()}`;
  };

  return (
    <>
      <div className={fr.cx('fr-grid-row', 'fr-grid-row--middle', 'fr-mb-3w')} style={{ justifyContent: 'space-between', gap: '1rem' }}>
        <h1 className={fr.cx('fr-mb-0')}>{parquet ? 'Signalements reçus' : 'Mes signalements'}</h1>
        {canCreateSignalement(viewer) ? (
          <Button iconId="fr-icon-add-line" linkProps={{ href: '/signalements/nouveau' }}>
            Nouveau signalement
          </Button>
        ) : null}
      </div>
      <form method="get" action="/signalements" role="search" className={fr.cx('fr-mb-3w')}>
        <input type="hidden" name="onglet" value={tab.id} />
        <SearchBar
          label="Rechercher par référence, titre, référence interne ou faits"
          renderInput={({ className, id, placeholder, type }) => (
            <input className={className} id={id} placeholder={placeholder} type={type} name="q" defaultValue={search ?? ''} />
          )}
        />
        {parquet ? (
          <div className={fr.cx('fr-checkbox-group', 'fr-mt-2w')}>
            <input type="checkbox" id="filtre-urgent" name="urgent" value="1" defaultChecked={params.urgent === '1'} />
            <label className={fr.cx('fr-label')} htmlFor="filtre-urgent">
              Seulement les urgents
            </label>
          </div>
        ) : null}
      </form>
      <Suspense>
        <ListTabs tabs={tabs} selected={tab.id}>
          <p className={fr.cx('fr-text--sm')} aria-live="polite">
            {totalCount === 0 ? 'Aucun signalement.' : `${totalCount} signalement${totalCount > 1 ? 's' : ''}`}
            {search ? ` pour « ${search} »` : ''}
          </p>
          {edges.length > 0 ? (
            <Table
              fixed
              caption={`${tab.label} — ${totalCount} signalement${totalCount > 1 ? 's' : ''}`}
              noCaption
              headers={['Référence', 'Titre', parquet ? 'Administration' : 'Parquet', 'Statut', parquet ? 'Transmis le' : 'Créé le']}
              data={edges.map(({ node }) => [
                <Link key="ref" href={`/signalements/${encodeURIComponent(node.id)}`}>
                  {node.reference ?? 'Brouillon'}
                </Link>,
                <span key="title">
                  {node.title} {node.urgent ? <UrgentBadge small /> : null}
                </span>,
                parquet ? node.administration.name : (node.parquet?.name ?? '—'),
                <StatusBadge key="status" status={node.status} small />,
                formatShort(parquet ? node.transmittedAt : node.createdAt),
              ])}
            />
          ) : null}
          <nav aria-label="Pagination" className={fr.cx('fr-mt-2w')} style={{ display: 'flex', gap: '1rem' }}>
            {params.apres ? (
              <Link className={fr.cx('fr-link', 'fr-icon-arrow-left-line', 'fr-link--icon-left')} href={keep({})}>
                Première page
              </Link>
            ) : null}
            {pageInfo.hasNextPage && pageInfo.endCursor ? (
              <Link className={fr.cx('fr-link', 'fr-icon-arrow-right-line', 'fr-link--icon-right')} href={keep({ apres: pageInfo.endCursor })}>
                Page suivante
              </Link>
            ) : null}
          </nav>
        </ListTabs>
      </Suspense>
    </>
  );
}

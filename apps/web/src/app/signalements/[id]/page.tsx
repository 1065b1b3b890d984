import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { fr } from '@codegouvfr/react-dsfr';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Breadcrumb } from '@codegouvfr/react-dsfr/Breadcrumb';
import { CallOut } from '@codegouvfr/react-dsfr/CallOut';
import { Download } from '@codegouvfr/react-dsfr/Download';
import { StatusBadge, UrgentBadge } from '@/components/StatusBadge';
import { graphql } from '@/graphql/graphql';
import { ApiCallError, callApi, queryApi } from '@/graphql/server';
import { ACTION_LABELS, DECISION_LABELS, formatDateTime, PERSON_ROLE_LABELS, STATUS_LABELS, URGENCY_REASON_LABELS } from '@/lib/labels';
import { isParquet, requireViewer } from '@/lib/viewer';
import { LiveStatus } from './LiveStatus';
import { Pieces } from './Pieces';
import { SignalementActions } from './SignalementActions';

export const metadata: Metadata = { title: 'Signalement' };

const DetailQuery = graphql(`
  query SignalementDetail($id: ID!) {
    signalement(id: $id) {
      id
      reference
      status
      urgent
      urgencyReason
      urgencyDetail
      title
      facts
      factsDate
      places
      natinfCodes
      persons { kind role lastName firstName legalName siren }
      externalReference
      transmittedAt
      contentHash
      proofOfDepositUrl
      parquetNumber
      withdrawalReason
      createdAt
      administration { name }
      parquet { name code }
      createdBy { displayName }
      decision { kind reasons decidedAt dismissalReason { code label } author { displayName } avisUrl avisReadAt avisReadBy { displayName } }
      history { id action fromStatus toStatus at comment actor { displayName } organization { name } }
      messages { id kind body createdAt author { displayName } }
      pieces { id filename size sha256 createdAt addedAfterTransmission downloadPath uploadedBy { displayName } message { kind } }
      piecesArchivePath
      piecesUploadPath
      availableActions
    }
    pieceMaxBytes
    parquets { code name }
    dismissalReasons { code label }
  }
`);

const ParquetQuery = graphql(`
  query SignalementParquetSide($id: ID!) {
    signalement(id: $id) { id assignee { displayName } }
    members { id displayName role active }
  }
`);

const MESSAGE_TITLES = { INFORMATION_REQUEST: 'Demande de renseignements du parquet', INFORMATION_ANSWER: 'Réponse de l’administration', INTERNAL_NOTE: 'Note interne du parquet' } as const;

/** Après le formulaire de création : ce qui n'a pas abouti, le brouillon étant enregistré. */
const FORM_ERRORS = {
  pieces: 'Le brouillon est enregistré, mais ses pièces jointes n’ont pas été déposées : joignez-les ci-dessous, puis transmettez.',
  transmission: 'Le brouillon est enregistré, mais il n’a pas été transmis : vérifiez-le, puis transmettez-le.',
} as const;

export default async function SignalementPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const viewer = await requireViewer();
  const { id } = await params;
  const formError = (await searchParams).erreur;
  const signalementId = decodeURIComponent(id);
  let data;
  try {
    data = await queryApi(DetailQuery, { id: signalementId });
  } catch (error) {
    if (error instanceof ApiCallError && (error.code === 'NOT_FOUND' || error.code === 'FORBIDDEN')) notFound();
    throw error;
  }
  const s = data.signalement;
  const parquetSide = isParquet(viewer) ? await callApi(ParquetQuery, { id: signalementId }) : null;
  const members = parquetSide?.data?.members?.filter((member) => member.active) ?? [];

  return (
    <>
      <Breadcrumb
        currentPageLabel={s.reference ?? 'Brouillon'}
        segments={[{ label: isParquet(viewer) ? 'Signalements reçus' : 'Mes signalements', linkProps: { href: '/signalements' } }]}
      />
      <div className={fr.cx('fr-grid-row', 'fr-grid-row--gutters')}>
        <div className={fr.cx('fr-col-12', 'fr-col-md-8')}>
          <p className={fr.cx('fr-mb-1w')}>
            <StatusBadge status={s.status} /> {s.urgent ? <UrgentBadge /> : null}
          </p>
          <h1 className={fr.cx('fr-mb-1w')}>{s.title}</h1>
          <p className={fr.cx('fr-text--lead')} data-testid="reference">
            {s.reference ? `Référence ${s.reference}` : 'Brouillon : la référence sera attribuée à la transmission.'}
          </p>
        </div>
        <div className={fr.cx('fr-col-12', 'fr-col-md-4')}>{s.status !== 'DRAFT' ? <LiveStatus signalementId={s.id} status={s.status} /> : null}</div>
      </div>

      {s.status === 'DRAFT' && (formError === 'pieces' || formError === 'transmission') ? (
        <Alert severity="warning" small description={FORM_ERRORS[formError]} className={fr.cx('fr-mb-3w')} />
      ) : null}

      <SignalementActions
        available={s.availableActions}
        context={{
          signalementId: s.id,
          currentParquetCode: s.parquet?.code ?? null,
          urgent: s.urgent,
          parquets: data.parquets,
          members,
          dismissalReasons: data.dismissalReasons,
        }}
      />

      {s.decision ? (
        <CallOut title={`Décision : ${DECISION_LABELS[s.decision.kind]}`} titleAs="h2" bodyAs="div" className={fr.cx('fr-mb-4w')}>
          {s.decision.dismissalReason ? (
            <>
              Motif de classement : {s.decision.dismissalReason.code} — {s.decision.dismissalReason.label}.
              <br />
            </>
          ) : null}
          <span data-testid="motivation">{s.decision.reasons}</span>
          <br />
          <span className={fr.cx('fr-text--sm')}>
            {s.decision.author.displayName}, le {formatDateTime(s.decision.decidedAt)}
          </span>
          {isParquet(viewer) ? (
            <>
              <br />
              <span className={fr.cx('fr-text--sm')} data-testid="lecture-avis">
                {s.decision.avisReadAt
                  ? `Avis lu par l’administration le ${formatDateTime(s.decision.avisReadAt)}${s.decision.avisReadBy ? ` (${s.decision.avisReadBy.displayName})` : ''}`
                  : 'Avis pas encore lu par l’administration'}
              </span>
            </>
          ) : null}
          {/* Sans préchargement : le premier téléchargement par l'administration vaut lecture de l'avis. */}
          <Download
            className={fr.cx('fr-mt-2w', 'fr-mb-0')}
            label="Télécharger l’avis de décision (PDF)"
            details={`PDF – ${s.reference ?? ''}`}
            linkProps={{ href: s.decision.avisUrl, prefetch: false }}
          />
        </CallOut>
      ) : null}

      <div className={fr.cx('fr-grid-row', 'fr-grid-row--gutters')}>
        <section className={fr.cx('fr-col-12', 'fr-col-lg-7')} aria-labelledby="titre-faits">
          <h2 id="titre-faits" className={fr.cx('fr-h4')}>
            Les faits
          </h2>
          <p style={{ whiteSpace: 'pre-wrap' }}>{s.facts}</p>
          <dl>
            <dt className={fr.cx('fr-text--bold')}>Date des faits</dt>
            <dd>{s.factsDate}</dd>
            <dt className={fr.cx('fr-text--bold')}>Communes (codes INSEE)</dt>
            <dd>{s.places.length ? s.places.join(', ') : '—'}</dd>
            <dt className={fr.cx('fr-text--bold')}>Infractions (codes NATINF)</dt>
            <dd>{s.natinfCodes.length ? s.natinfCodes.join(', ') : '—'}</dd>
            {s.urgent && s.urgencyReason ? (
              <>
                <dt className={fr.cx('fr-text--bold')}>Urgence</dt>
                <dd>
                  {URGENCY_REASON_LABELS[s.urgencyReason]}
                  {s.urgencyDetail ? ` — ${s.urgencyDetail}` : ''}
                </dd>
              </>
            ) : null}
          </dl>
          {s.persons.length ? (
            <>
              <h3 className={fr.cx('fr-h6')}>Personnes concernées</h3>
              <ul>
                {s.persons.map((person, index) => (
                  <li key={index}>
                    {PERSON_ROLE_LABELS[person.role]} :{' '}
                    {person.kind === 'LEGAL' ? `${person.legalName}${person.siren ? ` (SIREN ${person.siren})` : ''}` : `${person.firstName ?? ''} ${person.lastName ?? ''}`.trim()}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          <Pieces
            signalementId={s.id}
            pieces={s.pieces}
            archivePath={s.piecesArchivePath}
            uploadPath={s.piecesUploadPath}
            maxBytes={Number(data.pieceMaxBytes)}
            isDraft={s.status === 'DRAFT'}
          />
          {s.messages.length ? (
            <>
              <h2 className={fr.cx('fr-h4')}>Échanges</h2>
              {s.messages.map((message) => (
                <CallOut key={message.id} title={MESSAGE_TITLES[message.kind]} titleAs="h3" colorVariant={message.kind === 'INFORMATION_REQUEST' ? 'orange-terre-battue' : undefined}>
                  <span style={{ whiteSpace: 'pre-wrap' }}>{message.body}</span>
                  <br />
                  <span className={fr.cx('fr-text--sm')}>
                    {message.author.displayName}, le {formatDateTime(message.createdAt)}
                  </span>
                </CallOut>
              ))}
            </>
          ) : null}
        </section>
        <aside className={fr.cx('fr-col-12', 'fr-col-lg-5')} aria-labelledby="titre-suivi">
          <h2 id="titre-suivi" className={fr.cx('fr-h4')}>
            Suivi
          </h2>
          <dl>
            <dt className={fr.cx('fr-text--bold')}>Administration</dt>
            <dd>
              {s.administration.name} ({s.createdBy.displayName})
            </dd>
            <dt className={fr.cx('fr-text--bold')}>Parquet destinataire</dt>
            <dd>{s.parquet?.name ?? 'À choisir'}</dd>
            {s.externalReference ? (
              <>
                <dt className={fr.cx('fr-text--bold')}>Référence interne</dt>
                <dd>{s.externalReference}</dd>
              </>
            ) : null}
            {s.transmittedAt ? (
              <>
                <dt className={fr.cx('fr-text--bold')}>Transmis le</dt>
                <dd>{formatDateTime(s.transmittedAt)}</dd>
                <dt className={fr.cx('fr-text--bold')}>Empreinte du contenu (SHA-256)</dt>
                <dd style={{ wordBreak: 'break-all' }}>
                  <code>{s.contentHash}</code>
                </dd>
              </>
            ) : null}
            {s.parquetNumber ? (
              <>
                <dt className={fr.cx('fr-text--bold')}>Numéro parquet</dt>
                <dd>{s.parquetNumber}</dd>
              </>
            ) : null}
            {parquetSide?.data?.signalement.assignee ? (
              <>
                <dt className={fr.cx('fr-text--bold')}>Attribué à</dt>
                <dd>{parquetSide.data.signalement.assignee.displayName}</dd>
              </>
            ) : null}
          </dl>
          {s.proofOfDepositUrl ? (
            // Sans préchargement : chaque téléchargement est consigné au journal.
            <Download
              label="Télécharger l’accusé de réception (PDF)"
              details={`PDF – ${s.reference ?? ''}`}
              linkProps={{ href: s.proofOfDepositUrl, prefetch: false }}
            />
          ) : null}
          <h3 className={fr.cx('fr-h6')}>Historique</h3>
          <ol className={fr.cx('fr-pl-2w')} data-testid="historique">
            {[...s.history].reverse().map((entry) => (
              <li key={entry.id} className={fr.cx('fr-mb-2w')}>
                <strong>{ACTION_LABELS[entry.action] ?? entry.action}</strong>
                {entry.fromStatus !== entry.toStatus ? ` — ${STATUS_LABELS[entry.toStatus]}` : ''}
                <br />
                <span className={fr.cx('fr-text--sm')}>
                  {formatDateTime(entry.at)} · {entry.actor.displayName} ({entry.organization.name})
                </span>
                {entry.comment ? (
                  <>
                    <br />
                    <span className={fr.cx('fr-text--sm')}>« {entry.comment} »</span>
                  </>
                ) : null}
              </li>
            ))}
          </ol>
        </aside>
      </div>
    </>
  );
}

'use client';
import { useRef, useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import { fr } from '@codegouvfr/react-dsfr';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Download } from '@codegouvfr/react-dsfr/Download';
import { Upload } from '@codegouvfr/react-dsfr/Upload';
import { formatDateTime } from '@/lib/labels';
import { deletePiece } from './actions';
import { formatBytes } from './format';

export interface PieceItem {
  id: string;
  filename: string;
  /** Octets, en chiffres décimaux. */
  size: string;
  sha256: string;
  createdAt: string;
  addedAfterTransmission: boolean;
  downloadPath: string;
  uploadedBy: { displayName: string };
  message: { kind: 'INFORMATION_REQUEST' | 'INFORMATION_ANSWER' | 'INTERNAL_NOTE' } | null;
}

const MESSAGE_LABELS = {
  INFORMATION_REQUEST: 'jointe à la demande de renseignements du parquet',
  INFORMATION_ANSWER: 'jointe à la réponse de l’administration',
  INTERNAL_NOTE: 'jointe à une note interne du parquet',
} as const;

function details(piece: PieceItem): string {
  const when = piece.addedAfterTransmission ? `complément du ${formatDateTime(piece.createdAt)}` : `déposée le ${formatDateTime(piece.createdAt)}`;
  const message = piece.message ? ` – ${MESSAGE_LABELS[piece.message.kind]}` : '';
  return `${formatBytes(Number(piece.size))} – ${when}${message} – ${piece.uploadedBy.displayName}`;
}

/** L'envoi, avec sa progression (fetch ne la donne pas) ; le relais /documents/… le passe en flux à l'API. */
function send(path: string, form: FormData, onProgress: (fraction: number) => void): Promise<{ status: number; body: { error?: string; pieces?: unknown[] } | null }> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', path);
    request.responseType = 'json';
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onload = () => resolve({ status: request.status, body: request.response as { error?: string } | null });
    request.onerror = () => reject(new Error('Connexion interrompue'));
    request.send(form);
  });
}

/**
 * Les pièces jointes du signalement : la liste (nom, taille, empreinte, date, complément), un
 * téléchargement par pièce et l'archive de toutes ; l'envoi pour qui peut en joindre ; le
 * retrait pour les pièces d'un brouillon.
 */
export function Pieces(props: {
  signalementId: string;
  pieces: PieceItem[];
  archivePath: string;
  uploadPath: string | null;
  maxBytes: number;
  isDraft: boolean;
}) {
  const { pieces, uploadPath, maxBytes, isDraft } = props;
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [removing, startRemoving] = useTransition();
  const canDelete = isDraft && uploadPath !== null;

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    setNotice(null);
    const files = new FormData(event.currentTarget).getAll('file').filter((entry): entry is File => entry instanceof File && entry.name !== '');
    if (files.length === 0) return setError('Choisissez au moins un fichier.');
    // Les refus que l'API ferait, dits avant d'envoyer un gigaoctet pour rien.
    const empty = files.find((file) => file.size === 0);
    if (empty) return setError(`Le fichier « ${empty.name} » est vide.`);
    const tooLarge = files.find((file) => file.size > maxBytes);
    if (tooLarge) return setError(`Le fichier « ${tooLarge.name} » dépasse la taille maximale de ${formatBytes(maxBytes)}.`);
    const form = new FormData();
    for (const file of files) form.append('file', file, file.name);
    setProgress(0);
    try {
      const response = await send(uploadPath!, form, setProgress);
      if (response.status !== 201) {
        setError(response.body?.error ?? `L’envoi a été refusé (HTTP ${response.status}).`);
        return;
      }
      formRef.current?.reset();
      setNotice(files.length > 1 ? `${files.length} pièces déposées.` : 'Pièce déposée.');
      router.refresh();
    } catch {
      setError('L’envoi n’a pas abouti : la connexion a été interrompue. Réessayez ; si le problème persiste, signalez-le.');
    } finally {
      setProgress(null);
    }
  }

  function remove(piece: PieceItem) {
    setError(null);
    setNotice(null);
    startRemoving(async () => {
      const result = await deletePiece(props.signalementId, piece.id);
      if (result.error) setError(result.error);
      else {
        setNotice(`Pièce « ${piece.filename} » retirée du brouillon.`);
        router.refresh();
      }
    });
  }

  return (
    <section aria-labelledby="titre-pieces" className={fr.cx('fr-mb-4w')}>
      <h2 id="titre-pieces" className={fr.cx('fr-h4')}>
        Pièces jointes
      </h2>
      {pieces.length === 0 ? (
        <p>Aucune pièce jointe.</p>
      ) : (
        <>
          <ul className={fr.cx('fr-raw-list')} data-testid="pieces">
            {pieces.map((piece) => (
              <li key={piece.id} className={fr.cx('fr-mb-3w')} data-testid="piece">
                {/* Sans préchargement : chaque téléchargement est consigné au journal. */}
                <Download className={fr.cx('fr-mb-1v')} label={piece.filename} details={details(piece)} linkProps={{ href: piece.downloadPath, prefetch: false }} />
                <p className={fr.cx('fr-text--xs', 'fr-mb-1v')} style={{ wordBreak: 'break-all' }}>
                  SHA-256 : <code data-testid="sha256">{piece.sha256}</code>
                </p>
                {canDelete ? (
                  <Button
                    type="button"
                    size="small"
                    priority="tertiary no outline"
                    iconId="fr-icon-delete-line"
                    disabled={removing}
                    onClick={() => remove(piece)}
                    nativeButtonProps={{ 'aria-label': `Retirer la pièce ${piece.filename}` }}
                  >
                    Retirer
                  </Button>
                ) : null}
              </li>
            ))}
          </ul>
          <Download
            label="Télécharger toutes les pièces (ZIP)"
            details={`ZIP – ${pieces.length} pièce${pieces.length > 1 ? 's' : ''}`}
            linkProps={{ href: props.archivePath, prefetch: false }}
          />
        </>
      )}
      {/* L'alerte de succès s'annonce d'elle-même (role="status") ; la progression, par cette zone. */}
      {notice ? <Alert severity="success" small description={notice} closable onClose={() => setNotice(null)} className={fr.cx('fr-mb-2w')} /> : null}
      <p aria-live="polite" className={fr.cx('fr-text--sm', 'fr-mb-0')}>
        {progress !== null ? `Envoi en cours : ${Math.round(progress * 100)} %` : null}
      </p>
      {uploadPath ? (
        <form ref={formRef} onSubmit={submit} noValidate className={fr.cx('fr-mt-3w')}>
          <Upload
            label={isDraft ? 'Joindre des pièces' : 'Ajouter un complément'}
            hint={
              isDraft
                ? `Procès-verbaux, photos, tableurs… Plusieurs fichiers possibles, ${formatBytes(maxBytes)} au plus chacun. Ils seront transmis avec le signalement.`
                : `Un complément est daté et s’ajoute aux pièces transmises, sans les remplacer. Plusieurs fichiers possibles, ${formatBytes(maxBytes)} au plus chacun.`
            }
            multiple
            nativeInputProps={{ name: 'file', onChange: () => setError(null) }}
            {...(error ? { state: 'error' as const, stateRelatedMessage: error } : {})}
          />
          <Button type="submit" className={fr.cx('fr-mt-2w')} disabled={progress !== null}>
            {progress !== null ? 'Envoi…' : 'Déposer'}
          </Button>
        </form>
      ) : error ? (
        <Alert severity="error" small description={error} className={fr.cx('fr-mt-2w')} />
      ) : null}
    </section>
  );
}

'use client';
import { useCallback, useEffect, useRef, useState } from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useSubscription } from 'urql';
import { fr } from '@codegouvfr/react-dsfr';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { ToggleSwitch } from '@codegouvfr/react-dsfr/ToggleSwitch';
import { ConnectionStatus } from '@/components/ConnectionStatus';
import { UrgentItemFragment } from './fragments';
import { graphql, readFragment, type FragmentOf, type ResultOf } from '@/graphql/graphql';
import { useLinkState } from '@/graphql/UrqlProvider';
import { formatDateTime, URGENCY_REASON_LABELS } from '@/lib/labels';



const UrgentQueueSubscription = graphql(
  `
  subscription UrgentQueueLive($after: String) {
    urgentQueueChanged(after: $after) {
      cursor
      kind
      signalementId
      signalement { ...UrgentItem }
    }
  }
`,
  [UrgentItemFragment],
);

type Item = ResultOf<typeof UrgentItemFragment>;

const MUTE_KEY = 'infoparquet:file-urgence:muet';

/** Un bip court, fait par le navigateur (aucun fichier son à charger). */
function beep() {
  try {
    const AudioContextClass = window.AudioContext ?? (window as unknown as { webkitAudioContext: typeof AudioContext }).webkitAudioContext;
    const context = new AudioContextClass();
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.type = 'sine';
    oscillator.frequency.value = 880;
    gain.gain.setValueAtTime(0.2, context.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, context.currentTime + 0.6);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start();
    oscillator.stop(context.currentTime + 0.6);
    oscillator.onended = () => void context.close();
  } catch {
    // Son indisponible (pas de sortie audio) : l'alerte visuelle suffit.
  }
}

/**
 * La file d'urgence de la permanence, faite pour rester ouverte toute la journée : les urgents
 * arrivent sans recharger, avec une alerte visible et sonore (le son se coupe), le titre de
 * l'onglet donne leur nombre, un urgent sort dès que quelqu'un l'enregistre, et l'indicateur dit
 * quand le lien direct est coupé puis rétabli.
 */
export function UrgentQueue({ initial, parquetName }: { initial: FragmentOf<typeof UrgentItemFragment>[]; parquetName: string }) {
  const router = useRouter();
  const [items, setItems] = useState<Item[]>(() => initial.map((item) => readFragment(UrgentItemFragment, item)));
  const [escalated, setEscalated] = useState<Set<string>>(new Set());
  const [alert, setAlert] = useState<string | null>(null);
  const [muted, setMuted] = useState(false);
  const mutedRef = useRef(muted);
  const link = useLinkState();

  useEffect(() => setMuted(window.localStorage.getItem(MUTE_KEY) === '1'), []);
  useEffect(() => {
    mutedRef.current = muted;
  }, [muted]);

  // Les données du serveur font foi après un rechargement (reconnexion, navigation).
  useEffect(() => setItems(initial.map((item) => readFragment(UrgentItemFragment, item))), [initial]);
  useEffect(() => {
    if (link === 'restored') router.refresh();
  }, [link, router]);

  // Le titre de l'onglet porte le nombre d'urgents. Next.js réécrit le titre après une navigation
  // (métadonnées diffusées après la page) : on le rétablit chaque fois qu'il change.
  useEffect(() => {
    const wanted = `(${items.length}) File d’urgence — infoParquet`;
    const apply = () => {
      if (document.title !== wanted) document.title = wanted;
    };
    apply();
    const observer = new MutationObserver(apply);
    observer.observe(document.head, { subtree: true, childList: true, characterData: true });
    return () => observer.disconnect();
  }, [items.length]);

  const onEvent = useCallback((event: NonNullable<ReturnType<typeof useLiveEvent>>) => {
    const signalement = event.signalement ? readFragment(UrgentItemFragment, event.signalement) : null;
    if (event.kind === 'ADDED' && signalement) {
      setItems((current) => [...current.filter((item) => item.id !== signalement.id), signalement].sort(byTransmission));
      setAlert(`Nouveau signalement urgent : ${signalement.reference} — ${signalement.title} (${signalement.administration.name}).`);
      if (!mutedRef.current) beep();
    } else if (event.kind === 'REMOVED') {
      setItems((current) => current.filter((item) => item.id !== event.signalementId));
    } else if (event.kind === 'UPDATED' && signalement) {
      setItems((current) => current.map((item) => (item.id === signalement.id ? signalement : item)));
    } else if (event.kind === 'ESCALATED') {
      setEscalated((current) => new Set(current).add(event.signalementId));
      setAlert(`Toujours pas enregistré : ${signalement?.reference ?? 'un signalement urgent'} attend depuis plus longtemps que le délai d’alerte.`);
      if (!mutedRef.current) beep();
    }
  }, []);
  useLiveEvent(onEvent);

  return (
    <>
      <div className={fr.cx('fr-grid-row', 'fr-grid-row--middle', 'fr-mb-2w')} style={{ justifyContent: 'space-between', gap: '1rem' }}>
        <h1 className={fr.cx('fr-mb-0')}>File d’urgence</h1>
        <ConnectionStatus />
      </div>
      <p>
        Signalements urgents transmis au {parquetName} et pas encore enregistrés, du plus ancien au plus récent. Cette page se met à jour toute
        seule.
      </p>
      <ToggleSwitch
        label="Alerte sonore"
        helperText="Un signal sonore accompagne chaque nouvel urgent."
        checked={!muted}
        onChange={(checked) => {
          setMuted(!checked);
          window.localStorage.setItem(MUTE_KEY, checked ? '0' : '1');
        }}
        inputTitle="Activer ou couper l’alerte sonore"
        showCheckedHint={false}
      />
      <div role="alert" aria-live="assertive" data-testid="alerte-urgence">
        {alert ? <Alert severity="warning" title="Nouveau signalement urgent" description={alert} closable onClose={() => setAlert(null)} className={fr.cx('fr-my-2w')} /> : null}
      </div>
      <h2 className={fr.cx('fr-h4', 'fr-mt-3w')} aria-live="polite" data-testid="compteur-urgences">
        {items.length === 0 ? 'Aucun signalement urgent en attente' : `${items.length} signalement${items.length > 1 ? 's' : ''} urgent${items.length > 1 ? 's' : ''} en attente`}
      </h2>
      <ul className={fr.cx('fr-raw-list')} data-testid="file-urgence">
        {items.map((item) => (
          <li key={item.id} className={fr.cx('fr-mb-2w')}>
            <div className={fr.cx('fr-card', 'fr-card--horizontal', 'fr-enlarge-link')}>
              <div className={fr.cx('fr-card__body')}>
                <div className={fr.cx('fr-card__content')}>
                  <h3 className={fr.cx('fr-card__title')}>
                    <Link href={`/signalements/${encodeURIComponent(item.id)}`}>
                      {item.reference} — {item.title}
                    </Link>
                  </h3>
                  <p className={fr.cx('fr-card__desc')}>
                    {item.administration.name} · {item.urgencyReason ? URGENCY_REASON_LABELS[item.urgencyReason] : 'Urgent'}
                    {item.urgencyDetail ? ` — ${item.urgencyDetail}` : ''}
                  </p>
                  <div className={fr.cx('fr-card__start')}>
                    <p className={fr.cx('fr-card__detail')}>Transmis le {formatDateTime(item.transmittedAt)}</p>
                    {escalated.has(item.id) ? (
                      <Badge as="span" severity="error" small>
                        Délai d’alerte dépassé
                      </Badge>
                    ) : null}
                  </div>
                </div>
              </div>
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}

function byTransmission(a: Item, b: Item) {
  return (a.transmittedAt ?? '').localeCompare(b.transmittedAt ?? '');
}

/** Chaque événement de la file, une fois, dans l'ordre. */
function useLiveEvent(onEvent: (event: NonNullable<ReturnType<typeof useLiveEvent>>) => void) {
  const [result] = useSubscription({ query: UrgentQueueSubscription, variables: {} });
  const event = result.data?.urgentQueueChanged ?? null;
  const last = useRef<string | null>(null);
  useEffect(() => {
    if (!event || event.cursor === last.current) return;
    last.current = event.cursor;
    onEvent(event);
  }, [event, onEvent]);
  return event;
}

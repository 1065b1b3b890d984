'use client';
import { useEffect, useId, useMemo, useState, useTransition } from 'react';
import { useClient } from 'urql';
import { fr } from '@codegouvfr/react-dsfr';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { ButtonsGroup, type ButtonsGroupProps } from '@codegouvfr/react-dsfr/ButtonsGroup';
import { Checkbox } from '@codegouvfr/react-dsfr/Checkbox';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { RadioButtons } from '@codegouvfr/react-dsfr/RadioButtons';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { Stepper } from '@codegouvfr/react-dsfr/Stepper';
import { Tag } from '@codegouvfr/react-dsfr/Tag';
import { Upload } from '@codegouvfr/react-dsfr/Upload';
import { signalementInputSchema } from '@infoparquet/validation';
import { graphql } from '@/graphql/graphql';
import { PERSON_ROLE_LABELS, URGENCY_REASON_LABELS } from '@/lib/labels';
import { formatBytes } from '../[id]/format';
import { createDraftForPieces, finishAfterPieces, saveSignalement, type SignalementInput } from './actions';

const CommunesQuery = graphql(`query CommuneSearch($search: String!) { communes(search: $search, first: 8) { code name departement postalCodes } }`);
const NatinfsQuery = graphql(`query NatinfSearch($search: String!) { natinfs(search: $search, first: 8) { code label } }`);
const SuggestedQuery = graphql(`query SuggestedParquets($codes: [String!]!) { suggestedParquets(communeCodes: $codes) { code name } }`);

type PersonKind = 'NATURAL' | 'LEGAL';
type PersonRole = keyof typeof PERSON_ROLE_LABELS;
interface Person {
  kind: PersonKind;
  role: PersonRole;
  lastName: string;
  firstName: string;
  legalName: string;
  siren: string;
}

interface Draft {
  title: string;
  facts: string;
  factsDate: string;
  factsFrom: string;
  factsTo: string;
  externalReference: string;
  places: { code: string; name: string }[];
  natinfs: { code: string; label: string }[];
  persons: Person[];
  parquetCode: string;
  urgent: boolean;
  urgencyReason: string;
  urgencyDetail: string;
}

const EMPTY: Draft = {
  title: '',
  facts: '',
  factsDate: '',
  factsFrom: '',
  factsTo: '',
  externalReference: '',
  places: [],
  natinfs: [],
  persons: [],
  parquetCode: '',
  urgent: false,
  urgencyReason: '',
  urgencyDetail: '',
};

const STEPS = [
  { title: 'Les faits', fields: ['title', 'facts', 'factsDate', 'factsFrom', 'factsTo', 'externalReference'] },
  { title: 'Lieux et infractions', fields: ['places', 'natinfCodes'] },
  { title: 'Personnes concernées', fields: ['persons'] },
  { title: 'Destinataire et urgence', fields: ['parquetCode', 'urgent', 'urgencyReason', 'urgencyDetail'] },
  { title: 'Vérification et envoi', fields: [] },
] as const;

function toInput(draft: Draft): SignalementInput {
  return {
    parquetCode: draft.parquetCode || null,
    title: draft.title,
    facts: draft.facts,
    factsDate: draft.factsDate,
    factsFrom: draft.factsFrom || null,
    factsTo: draft.factsTo || null,
    externalReference: draft.externalReference || null,
    places: draft.places.map((place) => place.code),
    natinfCodes: draft.natinfs.map((natinf) => natinf.code),
    persons: draft.persons.map((person) =>
      person.kind === 'LEGAL'
        ? { kind: person.kind, role: person.role, legalName: person.legalName, siren: person.siren || null }
        : { kind: person.kind, role: person.role, lastName: person.lastName, firstName: person.firstName || null },
    ),
    urgent: draft.urgent,
    urgencyReason: draft.urgent && draft.urgencyReason ? (draft.urgencyReason as never) : null,
    urgencyDetail: draft.urgent ? draft.urgencyDetail || null : null,
  };
}

/** Les erreurs de validation (règles partagées avec l'API), par champ. */
function validationErrors(draft: Draft): Record<string, string> {
  const result = signalementInputSchema.safeParse(toInput(draft));
  if (result.success) return {};
  const errors: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const key = issue.path.map(String).join('.');
    errors[key] ??= issue.message;
  }
  return errors;
}

const stepOf = (field: string) => STEPS.findIndex((step) => (step.fields as readonly string[]).includes(field.split('.')[0]!));

/**
 * Le formulaire du signalement, en étapes. Chaque étape est vérifiée avec les règles que l'API
 * appliquera ; les erreurs renvoyées par le serveur reviennent sur leur champ et leur étape.
 */
export function SignalementForm({ parquets, pieceMaxBytes }: { parquets: { code: string; name: string }[]; pieceMaxBytes: number }) {
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [files, setFiles] = useState<File[]>([]);
  const [filesError, setFilesError] = useState<string | null>(null);
  const [step, setStep] = useState(0);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [serverError, setServerError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const update = (patch: Partial<Draft>) => setDraft((current) => ({ ...current, ...patch }));
  const headingId = useId();

  useEffect(() => {
    document.getElementById(headingId)?.focus();
  }, [step, headingId]);

  const next = () => {
    const all = validationErrors(draft);
    const current = Object.fromEntries(Object.entries(all).filter(([field]) => stepOf(field) === step));
    setErrors(current);
    if (Object.keys(current).length === 0) setStep((value) => value + 1);
  };

  const submit = (transmit: boolean) => {
    const all = validationErrors(draft);
    if (transmit && !draft.parquetCode) all.parquetCode = 'Parquet destinataire : à choisir avant la transmission.';
    if (Object.keys(all).length > 0) {
      setErrors(all);
      setStep(Math.min(...Object.keys(all).map(stepOf).filter((index) => index >= 0)));
      return;
    }
    // Les refus que l'API ferait, dits avant d'envoyer quoi que ce soit.
    const empty = files.find((file) => file.size === 0);
    const tooLarge = files.find((file) => file.size > pieceMaxBytes);
    if (empty || tooLarge) {
      setFilesError(empty ? `Le fichier « ${empty.name} » est vide.` : `Le fichier « ${tooLarge!.name} » dépasse la taille maximale de ${formatBytes(pieceMaxBytes)}.`);
      return;
    }
    const showErrors = (result: { error?: string; fields?: Record<string, string> }) => {
      setServerError(result.error ?? null);
      setErrors(result.fields ?? {});
      const steps = Object.keys(result.fields ?? {}).map(stepOf).filter((index) => index >= 0);
      if (steps.length) setStep(Math.min(...steps));
    };
    startTransition(async () => {
      if (files.length === 0) {
        const result = await saveSignalement(toInput(draft), transmit);
        if (result?.error) showErrors(result);
        return;
      }
      // Avec des pièces : le brouillon d'abord, puis les fichiers, puis la transmission.
      const created = await createDraftForPieces(toInput(draft));
      if (created.error || !created.id || !created.uploadPath) {
        showErrors(created.error ? created : { error: 'Le brouillon n’a pas pu recevoir de pièces.' });
        return;
      }
      const form = new FormData();
      for (const file of files) form.append('file', file, file.name);
      let failed = false;
      try {
        failed = (await fetch(created.uploadPath, { method: 'POST', body: form })).status !== 201;
      } catch {
        failed = true;
      }
      await finishAfterPieces(created.id, transmit, failed);
    });
  };

  const err = (field: string) => (errors[field] ? { state: 'error' as const, stateRelatedMessage: errors[field] } : {});

  return (
    <div className={fr.cx('fr-grid-row')}>
      <div className={fr.cx('fr-col-12', 'fr-col-lg-9')}>
        <h1>Nouveau signalement</h1>
        <Stepper currentStep={step + 1} stepCount={STEPS.length} title={STEPS[step]!.title} nextTitle={STEPS[step + 1]?.title} />
        {serverError ? <Alert severity="error" title="Le signalement n’a pas été enregistré" description={serverError} className={fr.cx('fr-mb-3w')} /> : null}
        {Object.keys(errors).length > 0 && !serverError ? (
          <Alert severity="error" small description="Certains champs sont à corriger : ils sont signalés ci-dessous." className={fr.cx('fr-mb-3w')} />
        ) : null}
        <h2 id={headingId} tabIndex={-1} className={fr.cx('fr-sr-only')}>
          Étape {step + 1} sur {STEPS.length} : {STEPS[step]!.title}
        </h2>
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            if (step < STEPS.length - 1) next();
          }}
        >
          {step === 0 ? (
            <div>
              <Input label="Titre" hintText="Une phrase qui résume les faits" nativeInputProps={{ value: draft.title, onChange: (e) => update({ title: e.target.value }), required: true }} {...err('title')} />
              <Input
                textArea
                label="Exposé des faits"
                hintText="Ce qui a été constaté, quand, par qui, et les pièces qui l’établissent"
                nativeTextAreaProps={{ value: draft.facts, onChange: (e) => update({ facts: e.target.value }), rows: 8, required: true }}
                {...err('facts')}
              />
              <Input label="Date ou période des faits" hintText="Par exemple : 12 mars 2026, ou « de mars à mai 2026 »" nativeInputProps={{ value: draft.factsDate, onChange: (e) => update({ factsDate: e.target.value }), required: true }} {...err('factsDate')} />
              <div className={fr.cx('fr-grid-row', 'fr-grid-row--gutters')}>
                <div className={fr.cx('fr-col-12', 'fr-col-md-6')}>
                  <Input label="Début de la période (facultatif)" nativeInputProps={{ type: 'date', value: draft.factsFrom, onChange: (e) => update({ factsFrom: e.target.value }) }} {...err('factsFrom')} />
                </div>
                <div className={fr.cx('fr-col-12', 'fr-col-md-6')}>
                  <Input label="Fin de la période (facultatif)" nativeInputProps={{ type: 'date', value: draft.factsTo, onChange: (e) => update({ factsTo: e.target.value }) }} {...err('factsTo')} />
                </div>
              </div>
              <Input label="Votre référence interne (facultatif)" nativeInputProps={{ value: draft.externalReference, onChange: (e) => update({ externalReference: e.target.value }) }} {...err('externalReference')} />
            </div>
          ) : null}

          {step === 1 ? (
            <>
              <SearchPicker
                label="Communes des faits"
                hint="Tapez le nom, le code postal ou le code INSEE"
                selected={draft.places.map((place) => ({ key: place.code, text: `${place.name} (${place.code})` }))}
                onRemove={(code) => update({ places: draft.places.filter((place) => place.code !== code) })}
                search={async (client, search) => {
                  const result = await client.query(CommunesQuery, { search }).toPromise();
                  return (result.data?.communes ?? []).map((commune) => ({
                    key: commune.code,
                    text: `${commune.name} (${commune.postalCodes[0] ?? commune.departement}) — INSEE ${commune.code}`,
                    value: { code: commune.code, name: commune.name },
                  }));
                }}
                onPick={(value) => update({ places: [...draft.places.filter((place) => place.code !== value.code), value] })}
                error={Object.entries(errors).find(([key]) => key.startsWith('places'))?.[1]}
              />
              <SearchPicker
                label="Infractions (codes NATINF)"
                hint="Tapez un code NATINF ou des mots du libellé, par exemple « travail dissimulé »"
                selected={draft.natinfs.map((natinf) => ({ key: natinf.code, text: `${natinf.code} — ${natinf.label}` }))}
                onRemove={(code) => update({ natinfs: draft.natinfs.filter((natinf) => natinf.code !== code) })}
                search={async (client, search) => {
                  const result = await client.query(NatinfsQuery, { search }).toPromise();
                  return (result.data?.natinfs ?? []).map((natinf) => ({ key: natinf.code, text: `${natinf.code} — ${natinf.label}`, value: natinf }));
                }}
                onPick={(value) => update({ natinfs: [...draft.natinfs.filter((natinf) => natinf.code !== value.code), value] })}
                error={Object.entries(errors).find(([key]) => key.startsWith('natinfCodes'))?.[1]}
              />
            </>
          ) : null}

          {step === 2 ? <PersonsStep persons={draft.persons} onChange={(persons) => update({ persons })} errors={errors} /> : null}

          {step === 3 ? <RecipientStep draft={draft} update={update} parquets={parquets} err={err} /> : null}

          {step === 4 ? (
            <>
              <Review draft={draft} parquets={parquets} />
              <Upload
                className={fr.cx('fr-mt-4w')}
                label="Pièces jointes (facultatif)"
                hint={`Procès-verbaux, photos, tableurs… Plusieurs fichiers possibles, ${formatBytes(pieceMaxBytes)} au plus chacun. Elles sont transmises avec le signalement et figurent sur l’accusé de réception.`}
                multiple
                nativeInputProps={{
                  name: 'file',
                  onChange: (event) => {
                    setFilesError(null);
                    setFiles(Array.from(event.currentTarget.files ?? []));
                  },
                }}
                {...(filesError ? { state: 'error' as const, stateRelatedMessage: filesError } : {})}
              />
              {files.length ? (
                <p className={fr.cx('fr-text--sm', 'fr-mt-1w')} data-testid="pieces-choisies">
                  {files.length > 1 ? `${files.length} fichiers choisis : ` : 'Fichier choisi : '}
                  {files.map((file) => `${file.name} (${formatBytes(file.size)})`).join(', ')}
                </p>
              ) : null}
            </>
          ) : null}

          <ButtonsGroup
            inlineLayoutWhen="sm and up"
            className={fr.cx('fr-mt-4w')}
            buttons={
              (step < STEPS.length - 1
                ? [
                    ...(step > 0 ? [{ children: 'Étape précédente', priority: 'secondary' as const, type: 'button' as const, onClick: () => setStep(step - 1) }] : []),
                    { children: 'Étape suivante', type: 'submit' as const },
                  ]
                : [
                    { children: 'Étape précédente', priority: 'tertiary' as const, type: 'button' as const, onClick: () => setStep(step - 1) },
                    { children: 'Enregistrer le brouillon', priority: 'secondary' as const, type: 'button' as const, disabled: pending, onClick: () => submit(false) },
                    { children: pending ? 'Envoi…' : 'Transmettre au parquet', type: 'button' as const, disabled: pending, onClick: () => submit(true) },
                  ]) as ButtonsGroupProps['buttons']
            }
          />
        </form>
      </div>
    </div>
  );
}

interface Option<T> {
  key: string;
  text: string;
  value: T;
}

/** Recherche dans un référentiel : les résultats sont des boutons, utilisables au clavier. */
function SearchPicker<T>(props: {
  label: string;
  hint: string;
  selected: { key: string; text: string }[];
  onRemove: (key: string) => void;
  search: (client: ReturnType<typeof useClient>, search: string) => Promise<Option<T>[]>;
  onPick: (value: T) => void;
  error?: string | undefined;
}) {
  const client = useClient();
  const [query, setQuery] = useState('');
  const [options, setOptions] = useState<Option<T>[]>([]);
  const [searching, setSearching] = useState(false);
  const resultsId = useId();
  const { search } = props;
  useEffect(() => {
    const text = query.trim();
    if (text.length < 2) {
      setOptions([]);
      return;
    }
    setSearching(true);
    const timer = setTimeout(async () => {
      setOptions(await search(client, text));
      setSearching(false);
    }, 250);
    return () => clearTimeout(timer);
  }, [query, client, search]);

  return (
    <div className={fr.cx('fr-mb-4w')}>
      <Input
        label={props.label}
        hintText={props.hint}
        nativeInputProps={{ value: query, onChange: (e) => setQuery(e.target.value), type: 'search', autoComplete: 'off', 'aria-describedby': resultsId }}
        {...(props.error ? { state: 'error' as const, stateRelatedMessage: props.error } : {})}
      />
      <p id={resultsId} className={fr.cx('fr-text--sm', 'fr-mb-1w')} aria-live="polite">
        {query.trim().length >= 2 ? (searching ? 'Recherche…' : `${options.length} résultat${options.length > 1 ? 's' : ''}`) : ''}
      </p>
      {options.length > 0 ? (
        <ul className={fr.cx('fr-btns-group', 'fr-btns-group--sm', 'fr-btns-group--inline')} aria-label={`Résultats : ${props.label}`}>
          {options.map((option) => (
            <li key={option.key}>
              <Button
                type="button"
                size="small"
                priority="tertiary"
                iconId="fr-icon-add-line"
                onClick={() => {
                  props.onPick(option.value);
                  setQuery('');
                }}
              >
                {option.text}
              </Button>
            </li>
          ))}
        </ul>
      ) : null}
      {props.selected.length > 0 ? (
        <ul className={fr.cx('fr-tags-group')} aria-label={`Sélection : ${props.label}`}>
          {props.selected.map((item) => (
            <li key={item.key}>
              <Tag dismissible nativeButtonProps={{ onClick: () => props.onRemove(item.key), 'aria-label': `Retirer ${item.text}` }}>
                {item.text}
              </Tag>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

const NEW_PERSON: Person = { kind: 'LEGAL', role: 'SUSPECT', lastName: '', firstName: '', legalName: '', siren: '' };

function PersonsStep({ persons, onChange, errors }: { persons: Person[]; onChange: (persons: Person[]) => void; errors: Record<string, string> }) {
  const [person, setPerson] = useState<Person>(NEW_PERSON);
  const set = (patch: Partial<Person>) => setPerson((current) => ({ ...current, ...patch }));
  return (
    <>
      {persons.length > 0 ? (
        <ul>
          {persons.map((item, index) => (
            <li key={index} className={fr.cx('fr-mb-1w')}>
              {PERSON_ROLE_LABELS[item.role]} : {item.kind === 'LEGAL' ? `${item.legalName}${item.siren ? ` (SIREN ${item.siren})` : ''}` : `${item.firstName} ${item.lastName}`.trim()}{' '}
              <Button type="button" size="small" priority="tertiary no outline" onClick={() => onChange(persons.filter((_, i) => i !== index))}>
                Retirer
              </Button>
              {Object.entries(errors)
                .filter(([key]) => key.startsWith(`persons.${index}.`))
                .map(([key, message]) => (
                  <p key={key} className={fr.cx('fr-error-text')}>
                    {message}
                  </p>
                ))}
            </li>
          ))}
        </ul>
      ) : (
        <p>Aucune personne ajoutée (facultatif).</p>
      )}
      <fieldset className={fr.cx('fr-fieldset')}>
        <legend className={fr.cx('fr-fieldset__legend')}>Ajouter une personne</legend>
        <div className={fr.cx('fr-fieldset__element')}>
        <RadioButtons
          legend="Nature"
          name="nature-personne"
          orientation="horizontal"
          options={[
            { label: 'Personne morale', nativeInputProps: { checked: person.kind === 'LEGAL', onChange: () => set({ kind: 'LEGAL' }) } },
            { label: 'Personne physique', nativeInputProps: { checked: person.kind === 'NATURAL', onChange: () => set({ kind: 'NATURAL' }) } },
          ]}
        />
        <Select label="Qualité" nativeSelectProps={{ value: person.role, onChange: (e) => set({ role: e.target.value as PersonRole }) }}>
          {Object.entries(PERSON_ROLE_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </Select>
        {person.kind === 'LEGAL' ? (
          <>
            <Input label="Raison sociale" nativeInputProps={{ value: person.legalName, onChange: (e) => set({ legalName: e.target.value }) }} />
            <Input label="SIREN (facultatif)" hintText="9 chiffres" nativeInputProps={{ value: person.siren, onChange: (e) => set({ siren: e.target.value }), inputMode: 'numeric' }} />
          </>
        ) : (
          <>
            <Input label="Nom" nativeInputProps={{ value: person.lastName, onChange: (e) => set({ lastName: e.target.value }) }} />
            <Input label="Prénom (facultatif)" nativeInputProps={{ value: person.firstName, onChange: (e) => set({ firstName: e.target.value }) }} />
          </>
        )}
        <Button
          type="button"
          priority="secondary"
          iconId="fr-icon-user-add-line"
          disabled={person.kind === 'LEGAL' ? !person.legalName.trim() : !person.lastName.trim()}
          onClick={() => {
            onChange([...persons, person]);
            setPerson(NEW_PERSON);
          }}
        >
          Ajouter la personne
        </Button>
        </div>
      </fieldset>
    </>
  );
}

function RecipientStep({
  draft,
  update,
  parquets,
  err,
}: {
  draft: Draft;
  update: (patch: Partial<Draft>) => void;
  parquets: { code: string; name: string }[];
  err: (field: string) => { state?: 'error'; stateRelatedMessage?: string };
}) {
  const client = useClient();
  const [suggested, setSuggested] = useState<{ code: string; name: string }[]>([]);
  const codes = useMemo(() => draft.places.map((place) => place.code), [draft.places]);
  useEffect(() => {
    if (codes.length === 0) return;
    void client
      .query(SuggestedQuery, { codes })
      .toPromise()
      .then((result) => {
        const list = result.data?.suggestedParquets ?? [];
        setSuggested(list);
        if (!draft.parquetCode && list.length === 1) update({ parquetCode: list[0]!.code });
      });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, codes]);
  return (
    <>
      {suggested.length > 0 ? (
        <Alert
          severity="info"
          small
          description={`Parquet${suggested.length > 1 ? 's' : ''} compétent${suggested.length > 1 ? 's' : ''} suggéré${suggested.length > 1 ? 's' : ''} d’après les lieux des faits : ${suggested.map((p) => p.name).join(', ')}.`}
          className={fr.cx('fr-mb-3w')}
        />
      ) : null}
      <Select label="Parquet destinataire" nativeSelectProps={{ value: draft.parquetCode, onChange: (e) => update({ parquetCode: e.target.value }) }} {...err('parquetCode')}>
        <option value="">Choisir un parquet</option>
        {parquets.map((parquet) => (
          <option key={parquet.code} value={parquet.code}>
            {parquet.name}
          </option>
        ))}
      </Select>
      <Checkbox
        options={[
          {
            label: 'Signalement urgent',
            hintText: 'La permanence du parquet est alertée immédiatement.',
            nativeInputProps: { checked: draft.urgent, onChange: (e) => update({ urgent: e.target.checked }) },
          },
        ]}
      />
      {draft.urgent ? (
        <>
          <Select label="Motif d’urgence" nativeSelectProps={{ value: draft.urgencyReason, onChange: (e) => update({ urgencyReason: e.target.value }) }} {...err('urgencyReason')}>
            <option value="">Choisir un motif</option>
            {Object.entries(URGENCY_REASON_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </Select>
          <Input label="Précision sur l’urgence" hintText="Obligatoire pour le motif « Autre »" nativeInputProps={{ value: draft.urgencyDetail, onChange: (e) => update({ urgencyDetail: e.target.value }) }} {...err('urgencyDetail')} />
        </>
      ) : null}
    </>
  );
}

function Review({ draft, parquets }: { draft: Draft; parquets: { code: string; name: string }[] }) {
  const parquet = parquets.find((candidate) => candidate.code === draft.parquetCode);
  return (
    <dl data-testid="recapitulatif">
      <dt className={fr.cx('fr-text--bold')}>Titre</dt>
      <dd>{draft.title}</dd>
      <dt className={fr.cx('fr-text--bold')}>Date des faits</dt>
      <dd>{draft.factsDate}</dd>
      <dt className={fr.cx('fr-text--bold')}>Exposé des faits</dt>
      <dd style={{ whiteSpace: 'pre-wrap' }}>{draft.facts}</dd>
      <dt className={fr.cx('fr-text--bold')}>Communes</dt>
      <dd>{draft.places.map((place) => place.name).join(', ') || '—'}</dd>
      <dt className={fr.cx('fr-text--bold')}>Infractions</dt>
      <dd>{draft.natinfs.map((natinf) => `${natinf.code} ${natinf.label}`).join(' ; ') || '—'}</dd>
      <dt className={fr.cx('fr-text--bold')}>Personnes</dt>
      <dd>{draft.persons.length}</dd>
      <dt className={fr.cx('fr-text--bold')}>Parquet destinataire</dt>
      <dd>{parquet?.name ?? 'À choisir avant la transmission'}</dd>
      <dt className={fr.cx('fr-text--bold')}>Urgence</dt>
      <dd>{draft.urgent ? `Oui — ${URGENCY_REASON_LABELS[draft.urgencyReason as keyof typeof URGENCY_REASON_LABELS] ?? ''}` : 'Non'}</dd>
    </dl>
  );
}

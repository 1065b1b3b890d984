/**
 * Données du banc de lecture (issue 7, point 3) : huit ans de volume national.
 *
 *   npm run bench:seed -- --signalements 1000000
 *
 * Base `ip_bench` supprimée puis recréée par les migrations du produit, puis, en SQL
 * (generate_series et INSERT … SELECT, quelques minutes) :
 *  - 164 parquets : un dans la commune la plus peuplée de chacun des 101 départements de
 *    métropole et d'outre-mer, puis dans les 63 communes suivantes par population ;
 *  - 2 000 administrations (DDPP, inspection du travail, URSSAF, DDFIP, douanes… par
 *    département), chacune avec un responsable, deux agents et un lecteur ; huit membres par
 *    parquet ; l'activité d'une administration suit la population de son département et la
 *    nature du service ;
 *  - `--signalements` signalements répartis régulièrement sur `--years` années, aux heures de
 *    bureau, adressés au parquet du département de l'administration (un sur dix ailleurs) ; statut selon l'âge (les anciens sont décidés ou clôturés, les récents transmis
 *    ou en cours, quelques brouillons abandonnés et retraits) ; 5 % d'urgents ;
 *  - l'historique qui va avec : étapes (status_change), décisions motivées (classements avec
 *    leur motif), demandes de renseignements et réponses, notes internes ; les références
 *    IP-AAAA-PARQUET-NNNNNN sans trou par parquet et par année, et leurs compteurs.
 *
 * Toutes les lignes respectent les contraintes du schéma (CHECK, clés étrangères, unicité), qui
 * restent actives pendant le chargement. Deux simplifications, assumées : le journal d'audit
 * n'est pas rempli pour l'historique chargé (sa chaîne d'empreintes commence avec le banc), et
 * l'empreinte du contenu (`content_hash`) est un SHA-256 du texte, pas celle, canonique, que le
 * produit recalcule (on ne vérifie pas ces signalements-là).
 */
import { createRequire } from 'node:module';
import pg from 'pg';
import { readFlags } from './lib/args.js';
import { recreateDatabase } from './lib/db.js';
import { describeMachine, formatMachine, LoadMonitor } from './lib/machine.js';
import { hashPassword } from '../apps/api/src/domains/auth/password.js';
import { NATINF_OFFENCES } from '@infoparquet/validation';

const options = readFlags('Chargement de la base du banc de lecture (ip_bench).', {
  signalements: 1_000_000,
  years: 8,
  parquets: 164,
  administrations: 2000,
  database: 'ip_bench',
});

interface Commune {
  code: string;
  nom: string;
  departement?: string;
  zone: string;
  type: string;
  population?: number;
}

/** Services qui signalent, avec leur part relative des signalements (les plus actifs d'abord). */
const SERVICES = [
  ['DDPP', 'Direction départementale de la protection des populations', 4],
  ['INSPECTION-TRAVAIL', 'Inspection du travail, unité de contrôle', 4],
  ['URSSAF', 'Urssaf', 3],
  ['DDETS', 'Direction départementale de l’emploi, du travail et des solidarités', 2],
  ['DDFIP', 'Direction départementale des finances publiques', 2],
  ['DOUANES', 'Direction régionale des douanes, pôle', 2],
  ['DDTM', 'Direction départementale des territoires et de la mer', 2],
  ['UD-DREAL', 'Unité départementale de la DREAL', 2],
  ['CAF', 'Caisse d’allocations familiales', 2],
  ['CPAM', 'Caisse primaire d’assurance maladie', 2],
  ['UD-DREETS', 'Unité départementale de la DREETS', 1],
  ['ARS-DD', 'Délégation départementale de l’ARS', 1],
  ['OFB-SD', 'Service départemental de l’Office français de la biodiversité', 1],
  ['ONF', 'Agence de l’Office national des forêts', 1],
  ['MSA', 'Mutualité sociale agricole', 1],
  ['SRAL', 'Service régional de l’alimentation, antenne', 1],
  ['FRANCE-TRAVAIL', 'France Travail, direction territoriale', 1],
  ['PREF', 'Préfecture', 1],
  ['DSDEN', 'Services départementaux de l’éducation nationale', 0.5],
  ['ASN', 'Autorité de sûreté nucléaire, division', 0.5],
] as const;

const TITLES = [
  'Tromperie sur l’origine des produits',
  'Travail dissimulé sur un chantier',
  'Emploi d’étrangers sans titre de travail',
  'Déversement de substances nuisibles dans un cours d’eau',
  'Fraude aux prestations sociales',
  'Mise sur le marché de produits dangereux',
  'Exploitation d’une installation classée sans autorisation',
  'Pratique commerciale trompeuse',
  'Abattage clandestin et mise en vente de viandes',
  'Faux en écriture dans un dossier de subvention',
  'Harcèlement moral signalé par l’inspection du travail',
  'Dépôt illégal de déchets du bâtiment',
  'Fraude à la TVA sur des véhicules d’occasion',
  'Atteinte à une espèce protégée',
  'Blessures involontaires à la suite d’un accident du travail',
  'Contrefaçon de marques à l’étalage',
];

const FACTS =
  'Lors du contrôle réalisé dans l’établissement, les agents ont constaté des manquements répétés malgré un précédent avertissement écrit. ' +
  'Les constatations ont été consignées dans un procès-verbal signé par deux agents assermentés ; des photographies et des relevés ont été pris. ' +
  'Le responsable, entendu sur place, a reconnu une partie des faits et déclaré agir sur instruction de sa direction. ' +
  'Compte tenu de la gravité des faits et de leur caractère répété, l’administration estime qu’ils sont susceptibles de recevoir une qualification pénale et en avise le procureur de la République en application de l’article 40 du code de procédure pénale.';

function codeFromName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z]/g, '')
    .slice(0, 20);
}

/** Les sièges des parquets : la commune la plus peuplée de chaque département, puis les suivantes. */
function parquetSeats(count: number) {
  const require = createRequire(import.meta.url);
  const communes = (require('@etalab/decoupage-administratif/data/communes.json') as Commune[]).filter(
    (c) => c.type === 'commune-actuelle' && c.departement && (c.zone === 'metro' || c.zone === 'drom'),
  );
  const byPopulation = [...communes].sort((a, b) => (b.population ?? 0) - (a.population ?? 0));
  const seats: Commune[] = [];
  const seen = new Set<string>();
  for (const commune of byPopulation) {
    if (!seen.has(commune.departement!)) {
      seen.add(commune.departement!);
      seats.push(commune);
    }
  }
  for (const commune of byPopulation) {
    if (seats.length >= count) break;
    if (!seats.includes(commune)) seats.push(commune);
  }
  const codes = new Set<string>();
  const parquets = seats.slice(0, count).map((commune) => {
    let code = codeFromName(commune.nom);
    for (let suffix = 0; codes.has(code) || code.length < 2; suffix += 1) code = `${codeFromName(commune.nom).slice(0, 19)}${String.fromCharCode(65 + suffix)}`;
    codes.add(code);
    return { code, name: `Parquet du tribunal judiciaire de ${commune.nom}`, departement: commune.departement! };
  });
  const communesByDepartement = new Map<string, string[]>();
  const populationByDepartement = new Map<string, number>();
  for (const commune of byPopulation) {
    const list = communesByDepartement.get(commune.departement!) ?? [];
    if (list.length < 40) list.push(commune.code);
    communesByDepartement.set(commune.departement!, list);
    populationByDepartement.set(commune.departement!, (populationByDepartement.get(commune.departement!) ?? 0) + (commune.population ?? 0));
  }
  return { parquets, communesByDepartement, populationByDepartement };
}

async function step(client: pg.Client, label: string, sql: string, params: unknown[] = []) {
  const started = Date.now();
  const result = await client.query(sql, params);
  console.info(`  ${label} : ${result.rowCount ?? 0} lignes en ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

async function main() {
  const machine = await describeMachine('postgresql://postgres@127.0.0.1:5432/postgres');
  console.info(formatMachine(machine));
  const monitor = new LoadMonitor();
  const started = Date.now();
  const url = await recreateDatabase(options.database);
  console.info(`base ${options.database} recréée et migrée`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`SET synchronous_commit = off; SET work_mem = '256MB'; SET maintenance_work_mem = '512MB'`);

  const { parquets, communesByDepartement, populationByDepartement } = parquetSeats(options.parquets);
  const departements = [...new Set(parquets.map((p) => p.departement))];
  const passwordHash = await hashPassword('banc-d-essai-infoparquet', { N: 1024, r: 8, p: 1 });

  // ——— Organisations et comptes ———
  await step(
    client,
    'parquets',
    `INSERT INTO organization (id, kind, code, name, departement, ressort)
     SELECT gen_random_uuid(), 'PARQUET', code, name, departement, ARRAY[departement]
     FROM unnest($1::text[], $2::text[], $3::text[]) AS t(code, name, departement)`,
    [parquets.map((p) => p.code), parquets.map((p) => p.name), parquets.map((p) => p.departement)],
  );
  const administrations = Array.from({ length: options.administrations }, (_, i) => {
    const service = SERVICES[i % SERVICES.length]!;
    const departement = departements[Math.floor(i / SERVICES.length) % departements.length]!;
    const round = Math.floor(i / (SERVICES.length * departements.length));
    // Part des signalements : population du département × activité du service × aléa (0,5 à 1,5).
    const weight = (populationByDepartement.get(departement) ?? 100_000) * service[2] * (0.5 + Math.random());
    return { code: `${service[0]}-${departement}${round ? `-${round + 1}` : ''}`, name: `${service[1]} (${departement})`, departement, weight };
  });
  const totalWeight = administrations.reduce((sum, a) => sum + a.weight, 0);
  let cumulated = 0;
  const lowerBounds = administrations.map((a) => {
    const lower = cumulated / totalWeight;
    cumulated += a.weight;
    return lower;
  });
  await step(
    client,
    'administrations',
    `INSERT INTO organization (id, kind, code, name, departement)
     SELECT gen_random_uuid(), 'ADMINISTRATION', code, name, departement
     FROM unnest($1::text[], $2::text[], $3::text[]) AS t(code, name, departement)`,
    [administrations.map((a) => a.code), administrations.map((a) => a.name), administrations.map((a) => a.departement)],
  );
  await step(
    client,
    'comptes',
    `INSERT INTO app_user (id, email, password_hash, first_name, last_name, role, organization_id)
     SELECT gen_random_uuid(), lower(o.code) || '-' || r.n || '@' || CASE o.kind WHEN 'PARQUET' THEN 'justice.banc' ELSE 'administration.banc' END,
            $1, 'Prénom', 'Nom ' || r.n, r.role::"Role", o.id
     FROM organization o
     CROSS JOIN LATERAL (
       SELECT n, role FROM (VALUES (1, 'MANAGER'), (2, 'AGENT'), (3, 'AGENT'), (4, 'READER')) AS a(n, role) WHERE o.kind = 'ADMINISTRATION'
       UNION ALL
       SELECT n, role FROM (VALUES (1, 'HEAD'), (2, 'PROSECUTOR'), (3, 'PROSECUTOR'), (4, 'PROSECUTOR'), (5, 'CLERK'), (6, 'CLERK'), (7, 'CLERK'), (8, 'CLERK')) AS p(n, role) WHERE o.kind = 'PARQUET'
     ) r`,
    [passwordHash],
  );

  // ——— Tables de travail : qui écrit, à quel parquet, avec quelles communes ———
  await client.query(`
    CREATE TEMP TABLE adm_weight (code text PRIMARY KEY, lower_bound float8);
  `);
  await client.query(`INSERT INTO adm_weight SELECT * FROM unnest($1::text[], $2::float8[])`, [administrations.map((a) => a.code), lowerBounds]);
  await client.query(`
    CREATE TEMP TABLE adm AS
      SELECT (SELECT lower_bound FROM adm_weight w WHERE w.code = o.code) AS lower_bound, o.id, o.code, o.departement,
             (SELECT array_agg(u.id ORDER BY u.email) FROM app_user u WHERE u.organization_id = o.id AND u.role IN ('AGENT', 'MANAGER')) AS writers,
             (SELECT u.id FROM app_user u WHERE u.organization_id = o.id AND u.role = 'MANAGER' LIMIT 1) AS manager
      FROM organization o WHERE o.kind = 'ADMINISTRATION';
    CREATE TEMP TABLE par AS
      SELECT row_number() OVER (ORDER BY o.code) AS idx, o.id, o.code, o.departement,
             (SELECT array_agg(u.id ORDER BY u.email) FROM app_user u WHERE u.organization_id = o.id AND u.role IN ('PROSECUTOR', 'HEAD')) AS magistrates,
             (SELECT array_agg(u.id ORDER BY u.email) FROM app_user u WHERE u.organization_id = o.id AND u.role IN ('CLERK', 'PROSECUTOR', 'HEAD')) AS staff
      FROM organization o WHERE o.kind = 'PARQUET';
    CREATE TEMP TABLE dep_parquets AS SELECT departement, array_agg(id) AS ids FROM par GROUP BY departement;
    CREATE INDEX ON adm (lower_bound);
    CREATE TEMP TABLE dep_communes (departement text PRIMARY KEY, codes text[]);
  `);
  await client.query(`INSERT INTO dep_communes SELECT d, string_to_array(c, ',') FROM unnest($1::text[], $2::text[]) AS t(d, c)`, [
    [...communesByDepartement.keys()],
    [...communesByDepartement.values()].map((codes) => Array.from({ length: 40 }, (_, i) => codes[i % codes.length]).join(',')),
  ]);
  await client.query('ANALYZE adm; ANALYZE par; ANALYZE dep_parquets; ANALYZE dep_communes');

  // ——— Signalements ———
  const natinfs = NATINF_OFFENCES.map((o) => o.code);
  await step(
    client,
    'signalements (préparation)',
    `CREATE UNLOGGED TABLE seed_signalement AS
     WITH base AS (
       SELECT g,
              -- Volume régulier sur la période (≈ 120 000 par an pour un million sur huit ans), aux heures de bureau, en semaine.
              date_trunc('day', now() - $2::int * interval '365 days' * random()) AS day,
              random() AS r_status, random() AS r_urgent, random() AS r_elsewhere, random() AS r_misc, random() AS r_adm
       FROM generate_series(1, $1::int) AS g
     ), timed AS (
       SELECT b.*,
              LEAST(b.day - CASE extract(isodow FROM b.day) WHEN 6 THEN interval '1 day' WHEN 7 THEN interval '2 days' ELSE interval '0' END
                + interval '8 hours' + random() * interval '10 hours', now() - interval '10 minutes') AS created_at
       FROM base b
     ), placed AS (
       SELECT t.*, a.id AS administration_id, a.code AS adm_code, a.departement, a.writers[1 + floor(random() * 3)::int] AS created_by_id, a.manager,
              CASE WHEN t.r_elsewhere < 0.1 OR dp.ids IS NULL THEN (SELECT array_agg(id) FROM par)[1 + floor(random() * $3::int)::int]
                   ELSE dp.ids[1 + floor(random() * array_length(dp.ids, 1))::int] END AS parquet_id,
              extract(epoch FROM now() - t.created_at) / 86400 AS age_days
       FROM timed t
       -- Tirage pondéré : l'administration dont l'intervalle [borne, borne suivante) contient le tirage.
       CROSS JOIN LATERAL (SELECT * FROM adm WHERE adm.lower_bound <= t.r_adm ORDER BY adm.lower_bound DESC LIMIT 1) a
       LEFT JOIN dep_parquets dp ON dp.departement = a.departement
     )
     SELECT p.*,
            CASE
              WHEN p.age_days < 2 THEN CASE WHEN r_status < 0.25 THEN 'DRAFT' WHEN r_status < 0.70 THEN 'TRANSMITTED' WHEN r_status < 0.95 THEN 'REGISTERED' ELSE 'IN_PROGRESS' END
              WHEN p.age_days < 30 THEN CASE WHEN r_status < 0.08 THEN 'DRAFT' WHEN r_status < 0.18 THEN 'TRANSMITTED' WHEN r_status < 0.48 THEN 'REGISTERED'
                                             WHEN r_status < 0.88 THEN 'IN_PROGRESS' WHEN r_status < 0.95 THEN 'INFORMATION_REQUESTED' WHEN r_status < 0.99 THEN 'DECIDED' ELSE 'WITHDRAWN' END
              WHEN p.age_days < 365 THEN CASE WHEN r_status < 0.02 THEN 'DRAFT' WHEN r_status < 0.03 THEN 'TRANSMITTED' WHEN r_status < 0.08 THEN 'REGISTERED'
                                             WHEN r_status < 0.38 THEN 'IN_PROGRESS' WHEN r_status < 0.43 THEN 'INFORMATION_REQUESTED' WHEN r_status < 0.83 THEN 'DECIDED'
                                             WHEN r_status < 0.98 THEN 'CLOSED' ELSE 'WITHDRAWN' END
              ELSE CASE WHEN r_status < 0.01 THEN 'DRAFT' WHEN r_status < 0.02 THEN 'REGISTERED' WHEN r_status < 0.07 THEN 'IN_PROGRESS' WHEN r_status < 0.08 THEN 'INFORMATION_REQUESTED'
                        WHEN r_status < 0.38 THEN 'DECIDED' WHEN r_status < 0.98 THEN 'CLOSED' ELSE 'WITHDRAWN' END
            END AS status,
            p.r_urgent < 0.05 AS urgent,
            (ARRAY['DANGER_TO_PERSONS', 'HEALTH_OR_SAFETY_RISK', 'EVIDENCE_AT_RISK', 'LIMITATION_PERIOD_CLOSE', 'ONGOING_MEASURE', 'OTHER'])[1 + floor(p.r_misc * 6)::int] AS reason,
            LEAST(p.created_at + random() * interval '72 hours', now() - interval '1 minute') AS transmitted_at,
            random() * interval '12 days' AS to_register,
            random() * interval '200 days' AS to_decide,
            random() * interval '60 days' AS to_close
     FROM placed p`,
    [options.signalements, options.years, options.parquets],
  );
  await client.query(`ANALYZE seed_signalement`);
  await step(
    client,
    'signalements',
    `INSERT INTO signalement (id, status, reference, administration_id, parquet_id, created_by_id, title, facts, facts_date, facts_from, facts_to,
       places, natinf_codes, persons, external_reference, urgent, urgency_reason, urgency_detail, content_hash, transmitted_at, parquet_number,
       registered_at, assignee_id, withdrawal_reason, closed_at, escalation_count, version, created_at, updated_at)
     SELECT id, status::"SignalementStatus",
            CASE WHEN status <> 'DRAFT' THEN 'IP-' || ref_year || '-' || parquet_code || '-' || lpad(row_number() OVER (PARTITION BY parquet_id, ref_year, status = 'DRAFT' ORDER BY transmitted_at, g)::text, 6, '0') END,
            administration_id, parquet_id, created_by_id, title, facts, 'Le ' || to_char(facts_from, 'DD/MM/YYYY'), facts_from, facts_from + (g % 3),
            places, natinf_codes, persons, external_reference, urgent, CASE WHEN urgent THEN reason::"UrgencyReason" END,
            CASE WHEN urgent AND reason = 'OTHER' THEN 'Mise en danger immédiate signalée par les agents sur place.' END,
            CASE WHEN status <> 'DRAFT' THEN encode(sha256(convert_to(id::text || title || facts, 'UTF8')), 'hex') END,
            CASE WHEN status <> 'DRAFT' THEN transmitted_at END,
            CASE WHEN registered_at IS NOT NULL THEN ref_year || '/' || lpad((g % 99999)::text, 5, '0') END,
            registered_at, assignee_id, CASE WHEN status = 'WITHDRAWN' THEN 'Faits régularisés avant enregistrement ; signalement retiré.' END,
            closed_at, 0,
            CASE status WHEN 'DRAFT' THEN 0 WHEN 'TRANSMITTED' THEN 1 WHEN 'WITHDRAWN' THEN 2 WHEN 'REGISTERED' THEN 2 WHEN 'IN_PROGRESS' THEN 3
                        WHEN 'INFORMATION_REQUESTED' THEN 4 WHEN 'DECIDED' THEN 4 ELSE 5 END,
            created_at, coalesce(closed_at, decided_at, registered_at, CASE WHEN status <> 'DRAFT' THEN transmitted_at END, created_at)
     FROM (
       SELECT s.*, gen_random_uuid() AS id, par.code AS parquet_code,
              extract(year FROM s.transmitted_at AT TIME ZONE 'Europe/Paris')::int AS ref_year,
              (ARRAY[${TITLES.map((t) => `'${t.replace(/'/g, "''")}'`).join(',')}])[1 + s.g % ${TITLES.length}] AS title,
              $1::text || ' Contrôle n° ' || s.g || '.' AS facts,
              (s.created_at - (1 + s.g % 90) * interval '1 day')::date AS facts_from,
              ARRAY[(SELECT codes[1 + s.g % 40] FROM dep_communes dc WHERE dc.departement = s.departement)] AS places,
              ARRAY[($2::text[])[1 + s.g % array_length($2::text[], 1)]] AS natinf_codes,
              jsonb_build_array(jsonb_build_object('kind', 'LEGAL', 'role', 'SUSPECT', 'legalName', 'Société ' || upper(substr(md5(s.g::text), 1, 6)) || ' SAS', 'siren', '130025265')) AS persons,
              s.adm_code || '/' || extract(year FROM s.created_at)::int || '/' || s.g AS external_reference,
              CASE WHEN s.status IN ('REGISTERED', 'IN_PROGRESS', 'INFORMATION_REQUESTED', 'DECIDED', 'CLOSED') THEN LEAST(s.transmitted_at + s.to_register, now()) END AS registered_at,
              CASE WHEN s.status IN ('IN_PROGRESS', 'INFORMATION_REQUESTED', 'DECIDED', 'CLOSED') THEN par.staff[1 + s.g % array_length(par.staff, 1)] END AS assignee_id,
              CASE WHEN s.status IN ('DECIDED', 'CLOSED') THEN LEAST(s.transmitted_at + s.to_register + s.to_decide, now()) END AS decided_at,
              CASE WHEN s.status = 'CLOSED' THEN LEAST(s.transmitted_at + s.to_register + s.to_decide + s.to_close, now()) END AS closed_at
       FROM seed_signalement s JOIN par ON par.id = s.parquet_id
     ) x`,
    [FACTS, natinfs],
  );
  // Les urgents encore en file sont récents : un urgent ancien non enregistré aurait été traité.
  await step(client, 'compteurs de références', `
    INSERT INTO reference_counter (parquet_id, year, last_value)
    SELECT parquet_id, split_part(reference, '-', 2)::int, max(split_part(reference, '-', 4)::int)
    FROM signalement WHERE reference IS NOT NULL GROUP BY 1, 2`);

  // ——— Historique ———
  await step(client, 'étapes (status_change)', `
    INSERT INTO status_change (id, signalement_id, from_status, to_status, action, actor_id, organization_id, comment, at)
    SELECT gen_random_uuid(), s.id, e.from_status::"SignalementStatus", e.to_status::"SignalementStatus", e.action,
           CASE WHEN e.by_parquet THEN coalesce(s.assignee_id, p.staff[1]) ELSE s.created_by_id END,
           CASE WHEN e.by_parquet THEN s.parquet_id ELSE s.administration_id END, e.comment, e.at
    FROM signalement s
    LEFT JOIN par p ON p.id = s.parquet_id
    CROSS JOIN LATERAL (VALUES
      (1, NULL, 'DRAFT', 'create', false, NULL, s.created_at),
      (2, 'DRAFT', 'TRANSMITTED', 'transmit', false, NULL, s.transmitted_at),
      (3, 'TRANSMITTED', 'WITHDRAWN', 'withdraw', false, s.withdrawal_reason, LEAST(s.transmitted_at + interval '1 day', now())),
      (4, 'TRANSMITTED', 'REGISTERED', 'register', true, NULL, s.registered_at),
      (5, 'REGISTERED', 'IN_PROGRESS', 'assign', true, 'Enquête confiée au service compétent.', s.registered_at + interval '1 day'),
      (6, 'IN_PROGRESS', 'INFORMATION_REQUESTED', 'requestInformation', true, NULL, s.registered_at + interval '2 days'),
      (7, 'IN_PROGRESS', 'DECIDED', 'decide', true, NULL, coalesce(s.closed_at, s.updated_at) - CASE WHEN s.status = 'CLOSED' THEN interval '1 day' ELSE interval '0' END),
      (8, 'DECIDED', 'CLOSED', 'close', true, NULL, s.closed_at)
    ) AS e(n, from_status, to_status, action, by_parquet, comment, at)
    WHERE CASE s.status
      WHEN 'DRAFT' THEN e.n = 1
      WHEN 'TRANSMITTED' THEN e.n <= 2
      WHEN 'WITHDRAWN' THEN e.n IN (1, 2, 3)
      WHEN 'REGISTERED' THEN e.n IN (1, 2, 4)
      WHEN 'IN_PROGRESS' THEN e.n IN (1, 2, 4, 5)
      WHEN 'INFORMATION_REQUESTED' THEN e.n IN (1, 2, 4, 5, 6)
      WHEN 'DECIDED' THEN e.n IN (1, 2, 4, 5, 7)
      ELSE e.n IN (1, 2, 4, 5, 7, 8) END`);
  await step(client, 'décisions', `
    INSERT INTO decision (id, signalement_id, kind, dismissal_reason_code, reasons, author_id, decided_at, avis_read_at, avis_read_by_id)
    SELECT gen_random_uuid(), s.id, d.kind::"DecisionKind", CASE WHEN d.kind = 'DISMISSAL' THEN d.motif END,
           CASE d.kind WHEN 'DISMISSAL' THEN 'Classement sans suite : les éléments recueillis ne permettent pas d’engager des poursuites.'
                       WHEN 'PROSECUTION' THEN 'Poursuites engagées devant le tribunal correctionnel.'
                       WHEN 'ALTERNATIVE_MEASURE' THEN 'Mesure alternative aux poursuites : régularisation et stage de citoyenneté.'
                       ELSE 'Ouverture d’une information judiciaire.' END,
           p.magistrates[1 + (abs(hashtext(s.id::text)) % array_length(p.magistrates, 1))], d.at,
           CASE WHEN d.read THEN d.at + interval '3 days' END, CASE WHEN d.read THEN s.created_by_id END
    FROM signalement s JOIN par p ON p.id = s.parquet_id
    CROSS JOIN LATERAL (
      SELECT CASE WHEN h < 60 THEN 'DISMISSAL' WHEN h < 85 THEN 'PROSECUTION' WHEN h < 97 THEN 'ALTERNATIVE_MEASURE' ELSE 'JUDICIAL_INVESTIGATION' END AS kind,
             (ARRAY['11', '21', '31', '32', '41', '47', '48', '54', '56', '61', '71'])[1 + h % 11] AS motif,
             coalesce(s.closed_at, s.updated_at) - CASE WHEN s.status = 'CLOSED' THEN interval '1 day' ELSE interval '0' END AS at,
             h % 4 <> 0 AS read
      FROM (SELECT abs(hashtext(s.id::text || 'd')) % 100 AS h) x
    ) d
    WHERE s.status IN ('DECIDED', 'CLOSED')`);
  await step(client, 'messages (renseignements, réponses, notes internes)', `
    INSERT INTO message (id, signalement_id, kind, body, author_id, organization_id, created_at)
    SELECT gen_random_uuid(), s.id, m.kind::"MessageKind", m.body, m.author, m.org, m.at
    FROM signalement s JOIN par p ON p.id = s.parquet_id
    CROSS JOIN LATERAL (VALUES
      ('INFORMATION_REQUEST', 'Merci de transmettre le procès-verbal d’audition du gérant et les factures saisies.', coalesce(s.assignee_id, p.staff[1]), s.parquet_id, s.registered_at + interval '2 days', 1),
      ('INFORMATION_ANSWER', 'Vous trouverez ci-joint le procès-verbal d’audition et les copies des factures.', s.created_by_id, s.administration_id, s.registered_at + interval '9 days', 2),
      ('INTERNAL_NOTE', 'Dossier à rapprocher d’une procédure en cours au service d’enquête.', coalesce(s.assignee_id, p.staff[1]), s.parquet_id, s.registered_at + interval '1 day', 3)
    ) AS m(kind, body, author, org, at, n)
    WHERE s.registered_at IS NOT NULL AND (
      (m.n = 1 AND (s.status = 'INFORMATION_REQUESTED' OR abs(hashtext(s.id::text || 'm')) % 10 = 0))
      OR (m.n = 2 AND s.status IN ('IN_PROGRESS', 'DECIDED', 'CLOSED') AND abs(hashtext(s.id::text || 'm')) % 10 = 0)
      OR (m.n = 3 AND abs(hashtext(s.id::text || 'n')) % 5 = 0))`);
  await client.query('DROP TABLE seed_signalement');
  const analyzeStart = Date.now();
  await client.query('VACUUM ANALYZE');
  console.info(`  VACUUM ANALYZE en ${((Date.now() - analyzeStart) / 1000).toFixed(1)} s`);

  const { rows } = await client.query<{ name: string; rows: string; size: string }>(`
    SELECT c.relname AS name, c.reltuples::bigint::text AS rows, pg_size_pretty(pg_total_relation_size(c.oid)) AS size
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.reltuples > 0 ORDER BY pg_total_relation_size(c.oid) DESC`);
  const status = await client.query<{ status: string; n: string }>(`SELECT status, count(*)::text AS n FROM signalement GROUP BY 1 ORDER BY 2 DESC`);
  const total = await client.query<{ size: string }>(`SELECT pg_size_pretty(pg_database_size(current_database())) AS size`);
  await client.end();
  console.info(`\ntables : ${rows.map((r) => `${r.name} ${Number(r.rows).toLocaleString('fr-FR')} lignes (${r.size})`).join(' ; ')}`);
  console.info(`statuts : ${status.rows.map((r) => `${r.status} ${Number(r.n).toLocaleString('fr-FR')}`).join(', ')}`);
  console.info(`base ${options.database} : ${total.rows[0]!.size}, chargée en ${((Date.now() - started) / 60000).toFixed(1)} min`);
  monitor.stop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

import type { OrganizationKind, PrismaClient, Role, Signalement } from '@infoparquet/db';
import { signalementInputSchema } from '@infoparquet/validation';
import type { z } from 'zod';
import { chainAllPending } from '../domains/audit/chainer.js';
import { hashPassword } from '../domains/auth/password.js';
import type { Viewer } from '../domains/auth/sessions.js';
import { applyTransition, createDraft, findVisibleWithCodes, transmit } from '../domains/signalements/repository.js';

export const DEMO_PASSWORD = 'infoparquet-demo';

/** Les tribunaux judiciaires du déploiement de 2023 (page publique du produit). */
const PARQUETS = [
  { code: 'MELUN', name: 'Parquet du tribunal judiciaire de Melun', departement: '77', ressort: ['77'] },
  { code: 'BOULOGNE', name: 'Parquet du tribunal judiciaire de Boulogne-sur-Mer', departement: '62', ressort: ['62'] },
  { code: 'MARSEILLE', name: 'Parquet du tribunal judiciaire de Marseille', departement: '13', ressort: ['13'] },
  { code: 'ANNECY', name: 'Parquet du tribunal judiciaire d’Annecy', departement: '74', ressort: ['74'] },
  { code: 'BETHUNE', name: 'Parquet du tribunal judiciaire de Béthune', departement: '62', ressort: ['62'] },
  { code: 'AVESNES', name: 'Parquet du tribunal judiciaire d’Avesnes-sur-Helpe', departement: '59', ressort: ['59'] },
  { code: 'BLOIS', name: 'Parquet du tribunal judiciaire de Blois', departement: '41', ressort: ['41'] },
  { code: 'LONS', name: 'Parquet du tribunal judiciaire de Lons-le-Saunier', departement: '39', ressort: ['39'] },
] as const;

const ADMINISTRATIONS = [
  { code: 'DDPP-77', name: 'DDPP de Seine-et-Marne', departement: '77' },
  { code: 'DDTM-62', name: 'DDTM du Pas-de-Calais', departement: '62' },
  { code: 'DREETS-PACA', name: 'DREETS Provence-Alpes-Côte d’Azur', departement: '13' },
  { code: 'DREAL-HDF', name: 'DREAL Hauts-de-France', departement: '59' },
] as const;

/** Les comptes de démonstration (README) : tous ont le mot de passe `infoparquet-demo`. */
export const DEMO_ACCOUNTS: { email: string; firstName: string; lastName: string; role: Role; organization: string }[] = [
  { email: 'agent@ddpp77.demo', firstName: 'Camille', lastName: 'Martin', role: 'AGENT', organization: 'DDPP-77' },
  { email: 'manager@ddpp77.demo', firstName: 'Dominique', lastName: 'Bernard', role: 'MANAGER', organization: 'DDPP-77' },
  { email: 'lecteur@ddpp77.demo', firstName: 'Sacha', lastName: 'Petit', role: 'READER', organization: 'DDPP-77' },
  { email: 'agent@dreal-hdf.demo', firstName: 'Louise', lastName: 'Dubois', role: 'AGENT', organization: 'DREAL-HDF' },
  { email: 'agent@ddtm62.demo', firstName: 'Hugo', lastName: 'Lefebvre', role: 'AGENT', organization: 'DDTM-62' },
  { email: 'agent@dreets-paca.demo', firstName: 'Inès', lastName: 'Roux', role: 'AGENT', organization: 'DREETS-PACA' },
  { email: 'greffe@melun.demo', firstName: 'Nadia', lastName: 'Moreau', role: 'CLERK', organization: 'MELUN' },
  { email: 'magistrat@melun.demo', firstName: 'Julien', lastName: 'Laurent', role: 'PROSECUTOR', organization: 'MELUN' },
  { email: 'procureur@melun.demo', firstName: 'Claire', lastName: 'Garnier', role: 'HEAD', organization: 'MELUN' },
  { email: 'greffe@marseille.demo', firstName: 'Karim', lastName: 'Fontaine', role: 'CLERK', organization: 'MARSEILLE' },
  { email: 'magistrat@marseille.demo', firstName: 'Élise', lastName: 'Chevalier', role: 'PROSECUTOR', organization: 'MARSEILLE' },
  { email: 'greffe@bethune.demo', firstName: 'Paul', lastName: 'Lambert', role: 'CLERK', organization: 'BETHUNE' },
  { email: 'admin@infoparquet.demo', firstName: 'Alex', lastName: 'Opérateur', role: 'PLATFORM_ADMIN', organization: 'INFOPARQUET' },
];

/**
 * Données de démonstration, chargées dans une base vide hors production. Les signalements
 * passent par les mêmes opérations que l'API : références, empreintes, historique et journal
 * d'audit sont ceux d'un usage réel.
 */
export async function seedDemoData(prisma: PrismaClient): Promise<void> {
  const organizations = new Map<string, { id: string; kind: OrganizationKind; code: string }>();
  const orgRows = [
    ...PARQUETS.map((p) => ({ ...p, ressort: [...p.ressort], kind: 'PARQUET' as const })),
    ...ADMINISTRATIONS.map((a) => ({ ...a, ressort: [], kind: 'ADMINISTRATION' as const })),
    { code: 'INFOPARQUET', name: 'infoParquet (opérateur de la plateforme)', departement: '75', ressort: [], kind: 'PLATFORM' as const },
  ];
  for (const row of orgRows) {
    const org = await prisma.organization.create({ data: row, select: { id: true, kind: true, code: true } });
    organizations.set(org.code, org);
  }

  // Une seule empreinte pour tous : ce sont des comptes de démonstration au mot de passe public.
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const viewers = new Map<string, Viewer>();
  for (const account of DEMO_ACCOUNTS) {
    const org = organizations.get(account.organization)!;
    const user = await prisma.user.create({
      data: { email: account.email, firstName: account.firstName, lastName: account.lastName, role: account.role, passwordHash, organizationId: org.id },
    });
    viewers.set(account.email, {
      userId: user.id,
      sessionId: 'demo-seed',
      role: account.role,
      organizationId: org.id,
      organizationKind: org.kind,
      organizationCode: org.code,
    });
  }
  // Le tableau de permanence : un magistrat de chaque parquet de démonstration qui en a un (alertes urgentes par courriel).
  await prisma.user.updateMany({ where: { email: { in: ['magistrat@melun.demo', 'magistrat@marseille.demo'] } }, data: { onDuty: true } });
  const as = (email: string) => viewers.get(email)!;
  const melunClerk = as('greffe@melun.demo');
  const melunProsecutor = as('magistrat@melun.demo');

  const draft = async (email: string, input: z.input<typeof signalementInputSchema>) => {
    const { id } = await createDraft(prisma, as(email), signalementInputSchema.parse(input), { select: { id: true } });
    return id;
  };
  const transmitAs = async (email: string, id: string) => {
    await transmit(prisma, as(email), await findVisibleWithCodes(prisma, as(email), id), { select: { id: true } });
  };
  const fresh = (id: string) => prisma.signalement.findUniqueOrThrow({ where: { id } });
  const step = async (viewer: Viewer, id: string, action: Parameters<typeof applyTransition>[3], change?: Parameters<typeof applyTransition>[4]): Promise<Signalement> => {
    await applyTransition(prisma, viewer, await fresh(id), action, change);
    return fresh(id);
  };

  // 1. Décidé : classement sans suite motivé, que l'agent lit (art. 40-2).
  const tromperie = await draft('agent@ddpp77.demo', {
    parquetCode: 'MELUN',
    title: 'Étiquetage trompeur de produits de la pêche',
    facts:
      'Lors d’un contrôle du 12 mars 2026, les enquêteurs de la DDPP ont constaté que la poissonnerie vendait sans étiquetage conforme (zone de capture, méthode de production) des produits présentés comme « pêche locale » (factures saisies, procès-verbal n° 2026-0312).',
    factsDate: 'Mars 2026',
    factsFrom: '2026-03-01',
    factsTo: '2026-03-31',
    places: ['77288'],
    natinfCodes: ['23555'],
    persons: [{ kind: 'LEGAL', role: 'SUSPECT', legalName: 'Poissonnerie du Marché SARL', siren: '130025265' }],
    externalReference: 'DDPP77-2026-0142',
  });
  await transmitAs('agent@ddpp77.demo', tromperie);
  await step(melunClerk, tromperie, 'register', { data: { parquetNumber: '26072000142', registeredAt: new Date() } });
  await step(melunProsecutor, tromperie, 'decide', {
    extra: async (tx) => {
      await tx.decision.create({
        data: {
          signalementId: tromperie,
          kind: 'DISMISSAL',
          dismissalReasonCode: '21',
          reasons: 'Les factures saisies ne permettent pas d’établir l’intention de tromper ; le commerçant a régularisé son étiquetage.',
          authorId: melunProsecutor.userId,
        },
      });
    },
  });

  // 2. Urgent, transmis, dans la file d'urgence de Melun.
  const intoxication = await draft('agent@ddpp77.demo', {
    parquetCode: 'MELUN',
    title: 'Intoxications alimentaires dans un restaurant scolaire',
    facts: 'Quatorze enfants hospitalisés après le déjeuner du 26 novembre ; le prestataire a poursuivi la distribution malgré une alerte de la veille.',
    factsDate: '26 novembre 2026',
    factsFrom: '2026-11-26',
    places: ['77305'],
    persons: [{ kind: 'LEGAL', role: 'SUSPECT', legalName: 'Restauration Collective Briarde' }],
    urgent: true,
    urgencyReason: 'HEALTH_OR_SAFETY_RISK',
  });
  await transmitAs('agent@ddpp77.demo', intoxication);

  // 3. Brouillon de l'agent.
  await draft('agent@ddpp77.demo', {
    parquetCode: 'MELUN',
    title: 'Pratiques commerciales trompeuses lors de ventes à domicile',
    facts: 'Plusieurs personnes âgées ont signé des contrats de rénovation énergétique sans délai de rétractation.',
    factsDate: 'Depuis septembre 2026',
    places: ['77186'],
  });

  // 4. En cours, renseignements demandés à l'administration.
  const etiquetage = await draft('manager@ddpp77.demo', {
    parquetCode: 'MELUN',
    title: 'Étiquetage trompeur de compléments alimentaires',
    facts: 'Allégations thérapeutiques interdites sur des compléments vendus en ligne depuis Fontainebleau.',
    factsDate: 'De mars à mai 2026',
    places: ['77186'],
  });
  await transmitAs('manager@ddpp77.demo', etiquetage);
  await step(melunClerk, etiquetage, 'register', { data: { registeredAt: new Date() } });
  await step(melunClerk, etiquetage, 'assign', { data: { assigneeId: melunProsecutor.userId } });
  await step(melunProsecutor, etiquetage, 'requestInformation', {
    extra: async (tx) => {
      await tx.message.create({
        data: { signalementId: etiquetage, kind: 'INFORMATION_REQUEST', body: 'Merci de transmettre les captures des pages de vente et le chiffre d’affaires estimé.', authorId: melunProsecutor.userId, organizationId: melunProsecutor.organizationId },
      });
    },
  });

  // 5. DREAL → Béthune, enregistré.
  const pollution = await draft('agent@dreal-hdf.demo', {
    parquetCode: 'BETHUNE',
    title: 'Rejet de substances polluantes dans la Lawe',
    facts: 'Mortalité piscicole constatée en aval d’une installation classée ; prélèvements effectués le 3 octobre.',
    factsDate: '3 octobre 2026',
    places: ['62119'],
    natinfCodes: ['13172'],
  });
  await transmitAs('agent@dreal-hdf.demo', pollution);
  await step(as('greffe@bethune.demo'), pollution, 'register', { data: { registeredAt: new Date() } });

  // 6. DREETS → Marseille, en cours.
  const chantier = await draft('agent@dreets-paca.demo', {
    parquetCode: 'MARSEILLE',
    title: 'Travail dissimulé sur un chantier de construction',
    facts: 'Onze ouvriers non déclarés constatés lors d’un contrôle conjoint ; hébergement indigne sur place.',
    factsDate: 'Octobre 2026',
    places: ['13055'],
    natinfCodes: ['1508'],
  });
  await transmitAs('agent@dreets-paca.demo', chantier);
  await step(as('greffe@marseille.demo'), chantier, 'register', { data: { registeredAt: new Date() } });
  await step(as('greffe@marseille.demo'), chantier, 'assign', { data: { assigneeId: as('magistrat@marseille.demo').userId } });

  // 7. DDTM → Boulogne, transmis, non urgent.
  const littoral = await draft('agent@ddtm62.demo', {
    parquetCode: 'BOULOGNE',
    title: 'Construction sans permis en espace remarquable du littoral',
    facts: 'Un chalet a été édifié sans autorisation dans les dunes, malgré un arrêté interruptif de travaux.',
    factsDate: 'Été 2026',
    places: ['62160'],
  });
  await transmitAs('agent@ddtm62.demo', littoral);
  // Les événements déposés par la démonstration rejoignent le journal chaîné avant l'ouverture.
  await chainAllPending(prisma);
}

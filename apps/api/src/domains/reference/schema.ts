import { inseeCode, searchNatinfs, type NatinfOffence } from '@infoparquet/validation';
import { z } from 'zod';
import { builder } from '../../builder.js';
import { BadUserInputError } from '../../errors.js';
import { validate } from '../../lib/validate.js';
import { OrganizationRef } from '../organizations/schema.js';
import { communeIndex, departementOf, searchCommunes, type Commune } from './communes.js';

/**
 * Référentiels du formulaire de signalement : communes (code officiel géographique), codes
 * NATINF courants et parquet compétent suggéré d'après les lieux des faits.
 */

const SEARCH_MAX_RESULTS = 50;
const SEARCH_MAX_LENGTH = 100;
const SUGGESTION_MAX_COMMUNES = 100;

const CommuneRef = builder.objectRef<Commune>('Commune').implement({
  description: 'Commune française (code officiel géographique de l’INSEE).',
  fields: (t) => ({
    code: t.exposeString('code', { description: 'Code INSEE de la commune (ex. 77288, 2A004) : celui des lieux d’un signalement.' }),
    name: t.exposeString('name', { description: 'Nom officiel (ex. Melun).' }),
    departement: t.exposeString('departement', { description: 'Code du département (ex. 77, 2A, 971).' }),
    postalCodes: t.exposeStringList('postalCodes', { description: 'Codes postaux de la commune.' }),
  }),
});

const NatinfRef = builder.objectRef<NatinfOffence>('Natinf').implement({
  description: 'Infraction de la nomenclature NATINF du ministère de la Justice.',
  fields: (t) => ({
    code: t.exposeString('code', { description: 'Numéro NATINF (ex. 1508).' }),
    label: t.exposeString('label', { description: 'Qualification simplifiée de l’infraction.' }),
  }),
});

/** Les arguments communs des recherches : une saisie bornée et un nombre de résultats de 1 à 50. */
function searchArguments(args: { search: string; first: number }): { search: string; first: number } {
  const issues = [];
  if (args.first < 1 || args.first > SEARCH_MAX_RESULTS) {
    issues.push({ field: 'first', message: `Nombre de résultats : entre 1 et ${SEARCH_MAX_RESULTS}.` });
  }
  if (args.search.length > SEARCH_MAX_LENGTH) {
    issues.push({ field: 'search', message: `Recherche : ${SEARCH_MAX_LENGTH} caractères au plus.` });
  }
  if (issues.length > 0) throw new BadUserInputError(issues);
  return args;
}

const communeCodesSchema = z
  .array(inseeCode)
  .max(SUGGESTION_MAX_COMMUNES, `Communes : ${SUGGESTION_MAX_COMMUNES} au plus.`);

builder.queryFields((t) => ({
  communes: t.field({
    type: [CommuneRef],
    description:
      'Recherche de communes pour la saisie des lieux : par nom (sans tenir compte des accents ni de la casse ; début de nom, puis début d’un mot du nom, puis nom qui contient la saisie), par début de code INSEE ou de code postal.',
    authScopes: { loggedIn: true },
    args: {
      search: t.arg.string({ required: true, description: 'Nom, code INSEE ou code postal, complet ou commencé (100 caractères au plus).' }),
      first: t.arg.int({ required: true, description: `Nombre de résultats, de 1 à ${SEARCH_MAX_RESULTS}.` }),
    },
    resolve: async (_root, args) => {
      const { search, first } = searchArguments(args);
      return searchCommunes(await communeIndex(), search, first);
    },
  }),
  commune: t.field({
    type: CommuneRef,
    nullable: true,
    description: 'Une commune par son code INSEE ; `null` si le code n’est pas celui d’une commune actuelle.',
    authScopes: { loggedIn: true },
    args: { code: t.arg.string({ required: true, description: 'Code INSEE (ex. 77288).' }) },
    resolve: async (_root, args) => (await communeIndex()).byCode.get(args.code.trim().toUpperCase()) ?? null,
  }),
  natinfs: t.field({
    type: [NatinfRef],
    description:
      'Recherche dans les codes NATINF courants des signalements d’administrations : par début de code ou par mots du libellé (sans tenir compte des accents) ; une saisie vide rend la liste par domaine.',
    authScopes: { loggedIn: true },
    args: {
      search: t.arg.string({ required: true, description: 'Début de code ou mots du libellé (100 caractères au plus).' }),
      first: t.arg.int({ required: true, description: `Nombre de résultats, de 1 à ${SEARCH_MAX_RESULTS}.` }),
    },
    resolve: (_root, args) => {
      const { search, first } = searchArguments(args);
      return searchNatinfs(search, first);
    },
  }),
  suggestedParquets: t.prismaField({
    type: [OrganizationRef],
    description:
      'Les parquets compétents suggérés pour des lieux de faits : ceux dont le ressort couvre le département (ou la commune) d’au moins un de ces lieux, par nom.',
    authScopes: { loggedIn: true },
    args: {
      communeCodes: t.arg.stringList({
        required: true,
        description: `Codes INSEE des communes des faits (${SUGGESTION_MAX_COMMUNES} au plus).`,
      }),
    },
    resolve: async (query, _root, args, context) => {
      const codes = [...new Set(validate(communeCodesSchema, args.communeCodes, 'communeCodes'))];
      if (codes.length === 0) return [];
      const communes = await communeIndex();
      const departements = [...new Set(codes.map((code) => departementOf(communes, code)))];
      return context.prisma.organization.findMany({
        ...query,
        where: { kind: 'PARQUET', ressort: { hasSome: [...departements, ...codes] } },
        orderBy: [{ name: 'asc' }, { code: 'asc' }],
      });
    },
  }),
}));

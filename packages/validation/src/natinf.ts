/**
 * Codes NATINF (nomenclature des natures d'infraction du ministère de la Justice) que les
 * administrations citent le plus dans leurs signalements : une liste choisie pour l'aide à la
 * saisie, pas la nomenclature entière (environ 17 000 postes). Un code absent de cette liste
 * reste accepté par le formulaire (voir `natinfCode` dans identifiers.ts).
 *
 * Chaque code et son libellé viennent de la table NATINF telle que la reprennent les outils des
 * services de contrôle de l'État (libellés « qualification simplifiée », accents rétablis). N'y
 * ajouter qu'un code vérifié dans la liste officielle publiée sur data.gouv.fr.
 */
export interface NatinfOffence {
  /** Numéro NATINF. */
  code: string;
  /** Qualification simplifiée de l'infraction. */
  label: string;
}

export const NATINF_OFFENCES: readonly NatinfOffence[] = [
  // Travail illégal, santé et sécurité au travail
  { code: '1508', label: 'Exécution d’un travail dissimulé' },
  { code: '1509', label: 'Recours aux services d’une personne exerçant un travail dissimulé' },
  { code: '3968', label: 'Emploi d’un étranger non muni d’une autorisation de travail salarié' },
  { code: '3925', label: 'Infraction à la réglementation générale sur l’hygiène et la sécurité du travail' },

  // Hygiène, sécurité des aliments, information du consommateur
  { code: '3671', label: 'Non-respect d’un règlement sanitaire départemental' },
  { code: '23206', label: 'Mise sur le marché, pour la consommation directe, de colis de coquillages sans marque sanitaire conforme' },
  { code: '20590', label: 'Récolte de coquillages dans une zone de production fermée ou déclassée' },
  { code: '21326', label: 'Transfert de lot de coquillages vivants sans document d’enregistrement' },
  { code: '23555', label: 'Vente au détail de produit de la pêche ou de l’aquaculture sans affichage ou étiquetage conforme (dénomination, méthode de production, zone de capture)' },
  { code: '2902', label: 'Vente de produit ou prestation de service sans respect des règles d’information du consommateur sur les prix et conditions de vente' },
  { code: '27900', label: 'Mise en vente, vente, stockage ou exposition de produits de la pêche maritime et de l’aquaculture marine débarqués ou transbordés illégalement' },
  { code: '7065', label: 'Exposition ou vente de produits de la pêche maritime et de l’aquaculture marine dont la pêche est interdite' },
  { code: '7985', label: 'Exposition ou vente de produits de la pêche maritime et de l’aquaculture marine de taille, calibre ou poids prohibé' },

  // Eau et milieux aquatiques
  { code: '13172', label: 'Déversement de substance nuisible dans les eaux souterraines, superficielles ou de la mer' },
  { code: '21919', label: 'Déversement par personne morale de substance nuisible dans les eaux souterraines, superficielles ou de la mer' },
  { code: '13167', label: 'Exécution sans autorisation de travaux nuisibles à l’eau ou au milieu aquatique' },
  { code: '13230', label: 'Exécution de travaux modifiant le débit des eaux ou le milieu aquatique non conforme à l’arrêté d’autorisation' },
  { code: '29638', label: 'Exécution sans autorisation par personne morale de travaux nuisibles au débit des eaux ou aux milieux aquatiques' },
  { code: '29639', label: 'Exercice sans autorisation par personne morale d’activité nuisible au débit des eaux ou aux milieux aquatiques' },
  { code: '29640', label: 'Exploitation par personne morale d’installation ou réalisation de travaux nuisibles au débit des eaux ou aux milieux aquatiques malgré suspension administrative' },
  { code: '7473', label: 'Exécution de travaux ou prise d’eau sur le domaine public fluvial sans autorisation' },
  { code: '2611', label: 'Rejet en mer ou eau salée de substance nuisible pour le maintien ou la consommation de la faune ou de la flore - pollution' },
  { code: '2310', label: 'Rejet de substance polluante par un navire - pollution marine' },
  { code: '27098', label: 'Rejet involontaire de substance polluante par un navire - pollution marine' },
  { code: '25290', label: 'Pollution des eaux par faute caractérisée ou violation délibérée d’obligation de sécurité ou de prudence - navire' },
  { code: '31398', label: 'Rejet d’eaux usées par un navire en mer territoriale - pollution marine' },

  // Déchets
  { code: '1086', label: 'Dépôt ou abandon d’ordures, de déchets, de matériaux ou d’objet hors des emplacements autorisés' },
  { code: '13175', label: 'Jet ou abandon de déchets en nombre important sur les plages ou sur les rivages de la mer' },
  { code: '13176', label: 'Jet ou abandon de déchets dans les eaux superficielles ou souterraines ou dans les eaux de la mer' },
  { code: '25976', label: 'Immersion en mer de déchets ou autres matières par un navire, plate-forme, aéronef ou autre ouvrage français' },
  { code: '27877', label: 'Exploitation minière illégale portant atteinte à l’environnement : production ou détention de déchets polluants ou nuisibles à la santé' },
  { code: '25899', label: 'Abandon, dépôt, jet ou déversement non autorisé d’objet ou déchet au cœur d’un parc national' },
  { code: '25948', label: 'Abandon, dépôt, jet ou déversement irrégulier d’objet ou déchet dans une réserve naturelle' },

  // Espèces protégées, faune et flore sauvages
  { code: '10411', label: 'Destruction non autorisée d’espèce animale non domestique - espèce protégée' },
  { code: '10412', label: 'Enlèvement non autorisé d’œuf ou de nid d’espèce animale non domestique - espèce protégée' },
  { code: '10413', label: 'Mutilation non autorisée d’espèce animale non domestique - espèce protégée' },
  { code: '10414', label: 'Destruction non autorisée d’œuf ou de nid d’espèce animale non domestique - espèce protégée' },
  { code: '10415', label: 'Enlèvement ou capture non autorisé d’espèce animale non domestique - espèce protégée' },
  { code: '10416', label: 'Naturalisation non autorisée d’espèce animale non domestique - espèce protégée' },
  { code: '10417', label: 'Transport non autorisé d’espèce animale non domestique - espèce protégée' },
  { code: '10418', label: 'Colportage non autorisé d’espèce animale non domestique - espèce protégée' },
  { code: '10419', label: 'Utilisation non autorisée d’espèce animale non domestique - espèce protégée' },
  { code: '10420', label: 'Mise en vente ou vente non autorisée d’espèce animale non domestique - espèce protégée' },
  { code: '10421', label: 'Achat non autorisé d’espèce animale non domestique - espèce protégée' },
  { code: '20978', label: 'Détention non autorisée d’espèce animale non domestique - espèce protégée' },
  { code: '10422', label: 'Destruction non autorisée d’espèce végétale non cultivée ou de ses fructifications - espèce protégée' },
  { code: '10423', label: 'Coupe, arrachage ou cueillette non autorisé d’espèce végétale non cultivée ou de ses fructifications - espèce protégée' },
  { code: '21747', label: 'Détention non autorisée d’espèce végétale non cultivée prélevée en milieu naturel - espèce protégée' },
  { code: '10431', label: 'Destruction non autorisée de l’habitat d’une espèce animale protégée non domestique' },
  { code: '10432', label: 'Destruction non autorisée de l’habitat d’une espèce végétale protégée non cultivée' },
  { code: '10433', label: 'Altération ou dégradation non autorisée de l’habitat d’une espèce végétale protégée non cultivée' },
  { code: '10434', label: 'Altération ou dégradation non autorisée de l’habitat d’une espèce animale protégée non domestique' },
  { code: '26427', label: 'Perturbation volontaire des espèces animales non domestiques protégées' },
  { code: '29697', label: 'Atteinte non autorisée par personne morale à la conservation d’espèce animale non domestique - espèce protégée' },
  { code: '29753', label: 'Atteinte non autorisée en bande organisée à la conservation d’une espèce animale protégée ou à son habitat' },
  { code: '12527', label: 'Violation d’arrêté visant à favoriser la conservation de biotopes nécessaires aux espèces protégées' },
  { code: '10438', label: 'Détention non autorisée d’animal d’espèce non domestique ou de ses produits' },
  { code: '10446', label: 'Importation non autorisée d’animal d’espèce non domestique ou de ses produits' },
  { code: '10448', label: 'Exportation ou réexportation d’animal d’espèce non domestique ou de ses produits' },
  { code: '10450', label: 'Ouverture non autorisée d’établissement détenant des animaux d’espèces non domestiques - élevage, vente, location, transit' },
  { code: '10452', label: 'Exploitation d’établissement détenant des animaux d’espèces non domestiques sans certificat de capacité' },
  { code: '21750', label: 'Introduction non autorisée dans le milieu naturel d’espèce animale non domestique et non indigène au territoire d’introduction - espèce exotique envahissante' },
  { code: '28209', label: 'Vente, mise en vente malgré interdiction d’espèce animale - prévention de la diffusion d’espèce exotique envahissante' },

  // Espaces naturels protégés, sites et sous-sol
  { code: '28686', label: 'Destruction ou modification sans autorisation de l’état ou de l’aspect d’un territoire classé en réserve naturelle' },
  { code: '25928', label: 'Exécution sans autorisation de travaux, construction ou installation au cœur d’un parc national' },
  { code: '29749', label: 'Réalisation sur un site Natura 2000 d’activité, travaux, aménagement, installation ou manifestation sans se conformer à la mise en demeure de procéder à une évaluation d’incidence sur le site' },
  { code: '11886', label: 'Circulation avec un véhicule à moteur hors des voies ouvertes à la circulation publique - espace naturel' },
  { code: '10435', label: 'Destruction de site d’intérêt géologique' },
  { code: '3004', label: 'Exploitation d’une mine sans titre d’exploitation' },
  { code: '21977', label: 'Exploitation d’une mine sans respecter les prescriptions réglementaires destinées à assurer la sécurité publique, la salubrité ou la protection du milieu environnant' },

  // Atteintes aux agents qui contrôlent
  { code: '7885', label: 'Outrage à une personne chargée d’une mission de service public' },
  { code: '12364', label: 'Acte d’intimidation envers un dépositaire de l’autorité publique pour qu’il accomplisse ou s’abstienne d’acte de sa fonction' },
];

/**
 * Forme de recherche d'un texte : minuscules, sans accents ni ligatures, la ponctuation (tiret,
 * apostrophe) devenue espace. « Œuf d’oiseau » et « oeuf d'oiseau » se rejoignent ainsi.
 */
export function searchKey(text: string): string {
  return text
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Un mot réduit à son singulier grossier (« espèces » et « espèce » se rejoignent). */
function stem(word: string): string {
  return word.length > 3 && /[sx]$/.test(word) ? word.slice(0, -1) : word;
}

const indexed = NATINF_OFFENCES.map((offence, position) => {
  const key = searchKey(offence.label);
  return { offence, position, key, words: key.split(' ').map(stem) };
});
const byCode = new Map(NATINF_OFFENCES.map((offence) => [offence.code, offence]));

/** Le libellé d'un code de la liste, ou `undefined` s'il n'y figure pas. */
export function findNatinf(code: string): NatinfOffence | undefined {
  return byCode.get(code.trim());
}

/**
 * Recherche dans la liste : des chiffres cherchent un début de code ; des mots cherchent des
 * libellés dont chaque mot commence par un mot saisi (accents et pluriels ignorés), le libellé qui
 * commence par la saisie en premier ; à défaut, la saisie contenue telle quelle dans le libellé.
 * Une saisie vide rend la liste dans son ordre (par domaine).
 */
export function searchNatinfs(search: string, limit: number): NatinfOffence[] {
  const query = searchKey(search);
  if (!query) return NATINF_OFFENCES.slice(0, limit);
  if (/^\d+$/.test(query)) {
    return NATINF_OFFENCES.filter((offence) => offence.code.startsWith(query))
      .sort((a, b) => a.code.length - b.code.length || a.code.localeCompare(b.code))
      .slice(0, limit);
  }
  const terms = query.split(' ').map(stem);
  const ranked: { rank: number; position: number; offence: NatinfOffence }[] = [];
  for (const entry of indexed) {
    const allWords = terms.every((term) => entry.words.some((word) => word.startsWith(term)));
    let rank: number | null = null;
    if (allWords) rank = entry.key.startsWith(query) || entry.words[0]!.startsWith(terms[0]!) ? 0 : 1;
    else if (entry.key.includes(query)) rank = 2;
    if (rank !== null) ranked.push({ rank, position: entry.position, offence: entry.offence });
  }
  return ranked
    .sort((a, b) => a.rank - b.rank || a.position - b.position)
    .slice(0, limit)
    .map((entry) => entry.offence);
}

import type { SignalementStatus } from '@infoparquet/db';

/**
 * Durées de conservation, par statut. Seuls les statuts où plus rien ne se passe se purgent : un
 * signalement clos, retiré, ou un brouillon abandonné ; jamais une procédure en cours.
 * Chaque durée court à partir d'une date propre au statut (voir `RETENTION_CLOCK`).
 */
export const PURGEABLE_STATUSES = ['CLOSED', 'WITHDRAWN', 'DRAFT'] as const satisfies readonly SignalementStatus[];
export type PurgeableStatus = (typeof PURGEABLE_STATUSES)[number];

/** La date d'où court la conservation, dite en français pour les messages et la documentation. */
export const RETENTION_CLOCK: Record<PurgeableStatus, string> = {
  CLOSED: 'la clôture',
  WITHDRAWN: 'le retrait',
  DRAFT: 'la dernière modification du brouillon',
};

export interface RetentionPeriod {
  years: number;
  months: number;
  days: number;
  /** Tel qu'écrit dans la configuration (ex. « 10y »), repris dans le journal. */
  text: string;
}

export type RetentionPolicy = Partial<Record<PurgeableStatus, RetentionPeriod>>;

/** Valeur par défaut de RETENTION_POLICY : dix ans après la clôture, cinq après un retrait, un an pour un brouillon. */
export const DEFAULT_RETENTION_POLICY = 'CLOSED=10y,WITHDRAWN=5y,DRAFT=1y';

const PERIOD = /^(\d{1,3})([ymd])$/;

/**
 * Lit une politique écrite `STATUT=durée` séparés par des virgules, la durée en années (`y`), mois
 * (`m`) ou jours (`d`) : `CLOSED=10y,WITHDRAWN=5y,DRAFT=6m`. Un statut absent n'est jamais purgé.
 * Toute erreur est dite en français, avec l'élément fautif.
 */
export function parseRetentionPolicy(text: string): RetentionPolicy {
  const policy: RetentionPolicy = {};
  for (const item of text.split(',').map((part) => part.trim()).filter(Boolean)) {
    const [status, period, ...rest] = item.split('=').map((part) => part.trim());
    if (!status || !period || rest.length > 0) {
      throw new Error(`Politique de conservation : « ${item} » n'est pas de la forme STATUT=durée (ex. CLOSED=10y).`);
    }
    if (!(PURGEABLE_STATUSES as readonly string[]).includes(status)) {
      throw new Error(
        `Politique de conservation : le statut « ${status} » ne se purge pas (seuls ${PURGEABLE_STATUSES.join(', ')} ; une procédure en cours est toujours conservée).`,
      );
    }
    const match = PERIOD.exec(period);
    if (!match || Number(match[1]) === 0) {
      throw new Error(`Politique de conservation : durée « ${period} » invalide pour ${status} (un nombre positif suivi de y, m ou d, ex. 10y).`);
    }
    if (policy[status as PurgeableStatus]) throw new Error(`Politique de conservation : ${status} est cité deux fois.`);
    const amount = Number(match[1]);
    const unit = match[2];
    policy[status as PurgeableStatus] = {
      years: unit === 'y' ? amount : 0,
      months: unit === 'm' ? amount : 0,
      days: unit === 'd' ? amount : 0,
      text: period,
    };
  }
  return policy;
}

/** La date avant laquelle la conservation est échue, à l'instant `now` (calendrier UTC). */
export function expiryThreshold(period: RetentionPeriod, now: Date): Date {
  const threshold = new Date(now);
  threshold.setUTCFullYear(threshold.getUTCFullYear() - period.years);
  threshold.setUTCMonth(threshold.getUTCMonth() - period.months);
  threshold.setUTCDate(threshold.getUTCDate() - period.days);
  return threshold;
}

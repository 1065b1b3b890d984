/**
 * L'heure du récapitulatif quotidien, à Paris : « 8 h » est 7 h UTC en hiver et 6 h UTC en été.
 * Calculé avec Intl (base des fuseaux du moteur), sans bibliothèque de dates.
 */
const TIME_ZONE = 'Europe/Paris';

const PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** Date et heure murales à Paris d'un instant. */
function parisWallClock(instant: Date): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const parts = Object.fromEntries(PARTS.formatToParts(instant).map((part) => [part.type, part.value]));
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

/** Décalage de Paris sur UTC à cet instant, en millisecondes (+1 h en hiver, +2 h en été). */
function parisOffsetMs(instant: Date): number {
  const wall = parisWallClock(instant);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** L'instant où il est `hour` h à Paris le jour civil (année, mois 1-12, jour) donné. */
function parisInstant(year: number, month: number, day: number, hour: number): Date {
  const naive = Date.UTC(year, month - 1, day, hour);
  // Deux passes : le décalage à l'instant cherché peut différer de celui de la veille (changement d'heure).
  const first = naive - parisOffsetMs(new Date(naive));
  return new Date(naive - parisOffsetMs(new Date(first)));
}

/**
 * Le dernier créneau du récapitulatif atteint à `now` : aujourd'hui à `hour` h (Paris) si cette
 * heure est passée, sinon hier à la même heure.
 */
export function lastDigestSlot(now: Date, hour: number): Date {
  const today = parisWallClock(now);
  const slot = parisInstant(today.year, today.month, today.day, hour);
  if (slot.getTime() <= now.getTime()) return slot;
  return parisInstant(today.year, today.month, today.day - 1, hour);
}

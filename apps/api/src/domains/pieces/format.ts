const DECIMAL = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });
const UNITS = ['Ko', 'Mo', 'Go', 'To'] as const;

/**
 * Une taille lisible, en français : « 512 octets », « 1,5 Mo », « 1 Go » (multiples de 1024,
 * comme les affichent les postes de travail).
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} octet${bytes > 1 ? 's' : ''}`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${DECIMAL.format(value).replace(/[\u202f\u00a0]/g, ' ')} ${UNITS[unit]}`;
}

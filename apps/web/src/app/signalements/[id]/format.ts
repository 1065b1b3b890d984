const DECIMAL = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });

/** « 512 octets », « 1,5 Mo », « 1 Go » : multiples de 1024, comme les postes de travail. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} octet${bytes > 1 ? 's' : ''}`;
  const units = ['Ko', 'Mo', 'Go', 'To'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${DECIMAL.format(value)} ${units[unit]}`;
}

/**
 * Options de ligne de commande des bancs d'essai : `--duration 60`, `--clients=16`, `--no-baseline`.
 * Chaque banc déclare ses options et leurs valeurs par défaut ; le type de la valeur par défaut
 * dit comment lire la saisie (nombre, texte, booléen). Une option inconnue arrête le banc.
 */
export type FlagValue = string | number | boolean;

export function readFlags<T extends Record<string, FlagValue>>(
  usage: string,
  defaults: T,
  argv: string[] = process.argv.slice(2),
): T {
  const result: Record<string, FlagValue> = { ...defaults };
  const known = Object.keys(defaults);
  const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const byFlag = new Map(known.map((name) => [kebab(name), name]));
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      console.info(`${usage}\n\nOptions (valeur par défaut) :`);
      for (const name of known) console.info(`  --${kebab(name)} (${String(defaults[name])})`);
      process.exit(0);
    }
    const match = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(arg);
    // `--no-baseline` : une option booléenne mise à faux.
    const negated = match && match[2] === undefined && /^no-/.test(match[1]!) ? byFlag.get(match[1]!.slice(3)) : undefined;
    if (negated !== undefined && typeof defaults[negated] === 'boolean') {
      result[negated] = false;
      continue;
    }
    const name = match && byFlag.get(match[1]!);
    if (!match || !name) {
      throw new Error(`Option inconnue : ${arg}. Options : ${known.map((n) => `--${kebab(n)}`).join(', ')}.`);
    }
    const fallback = defaults[name]!;
    if (typeof fallback === 'boolean' && match[2] === undefined) {
      result[name] = true;
      continue;
    }
    const raw = match[2] ?? argv[(i += 1)];
    if (raw === undefined) throw new Error(`Option --${match[1]} : valeur manquante.`);
    if (typeof fallback === 'number') {
      const value = Number(raw);
      if (!Number.isFinite(value)) throw new Error(`Option --${match[1]} : nombre attendu, reçu « ${raw} ».`);
      result[name] = value;
    } else if (typeof fallback === 'boolean') {
      result[name] = raw === 'true' || raw === '1' || raw === 'oui';
    } else {
      result[name] = raw;
    }
  }
  return result as T;
}

/** « 1000,5000 » → [1000, 5000]. */
export function numberList(text: string): number[] {
  return text
    .split(',')
    .map((part) => Number(part.trim()))
    .filter((value) => Number.isFinite(value) && value > 0);
}

import { z } from 'zod';

/** Code INSEE d'une commune : 5 chiffres, ou 2A/2B suivis de 3 chiffres pour la Corse. */
export const inseeCode = z
  .string()
  .trim()
  .regex(/^(\d{5}|2[AB]\d{3})$/, 'Code INSEE de commune invalide (5 caractères, ex. 77288 ou 2A004).');

/** Code NATINF : numéro de la nomenclature des infractions, de 1 à 6 chiffres. */
export const natinfCode = z
  .string()
  .trim()
  .regex(/^\d{1,6}$/, 'Code NATINF invalide (de 1 à 6 chiffres, ex. 7111).');

/** Le SIREN porte une clé de Luhn : une faute de frappe se voit. */
export function isValidSiren(value: string): boolean {
  if (!/^\d{9}$/.test(value)) return false;
  let sum = 0;
  for (let index = 0; index < 9; index += 1) {
    let digit = Number(value[8 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

export const siren = z
  .string()
  .trim()
  .transform((value) => value.replace(/\s/g, ''))
  .refine(isValidSiren, 'Numéro SIREN invalide (9 chiffres avec une clé de contrôle correcte).');

/** Code d'un parquet : des capitales, tel qu'il figure dans la référence (ex. MELUN). */
export const parquetCode = z
  .string()
  .trim()
  .regex(/^[A-Z]{2,20}$/, 'Code de parquet invalide (lettres capitales, ex. MELUN).');

/** Référence de procédure : IP-AAAA-CODE-NNNNNN. */
export const procedureReference = z
  .string()
  .trim()
  .regex(/^IP-\d{4}-[A-Z]{2,20}-\d{6}$/, 'Référence invalide (format IP-AAAA-PARQUET-NNNNNN).');

export function formatReference(year: number, parquet: string, sequence: number): string {
  return `IP-${year}-${parquet}-${String(sequence).padStart(6, '0')}`;
}

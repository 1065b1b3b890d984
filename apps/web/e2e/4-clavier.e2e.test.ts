import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCOUNTS,
  PASSWORD,
  expectText,
  launchBrowser,
  newProblems,
  newUserContext,
  printProblems,
  statusBadge,
  transmitSignalement,
} from './support';

/**
 * Scénario 4 : au clavier seulement (Tab, Maj+Tab, Entrée, Espace, saisie), sans un clic : la
 * greffière se connecte, ouvre un signalement depuis la liste et l'enregistre.
 */
const problems = newProblems();
let browser: Browser;
let signalement: { id: string; reference: string };

beforeAll(async () => {
  signalement = await transmitSignalement({ title: 'Abattage clandestin d’ovins dans une exploitation' });
  browser = await launchBrowser();
});

afterAll(async () => {
  printProblems('scénario 4', problems);
  await browser?.close();
});

interface Focused {
  tag: string;
  type: string;
  name: string;
  text: string;
  inDialog: string | null;
}

/** L'élément qui a le focus : balise, nom accessible approché, fenêtre qui le contient. */
async function focused(page: Page): Promise<Focused | null> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) return null;
    const labelled = element.getAttribute('aria-labelledby');
    const label =
      element.getAttribute('aria-label') ??
      (labelled ? document.getElementById(labelled)?.textContent : null) ??
      ((element as HTMLInputElement).labels?.[0]?.textContent || null) ??
      element.textContent ??
      '';
    const dialog = element.closest('dialog, [role="dialog"]');
    return {
      tag: element.tagName.toLowerCase(),
      type: element.getAttribute('type') ?? '',
      name: label.replace(/\s+/g, ' ').trim(),
      text: (element.textContent ?? '').replace(/\s+/g, ' ').trim(),
      inDialog: dialog ? (dialog.getAttribute('id') ?? 'dialog') : null,
    };
  });
}

/** Appuie sur Tab jusqu'à ce que le focus soit sur l'élément voulu (au plus `max` fois). */
async function tabTo(page: Page, what: string, matches: (element: Focused) => boolean, max = 60): Promise<Focused> {
  const seen: string[] = [];
  for (let presses = 0; presses < max; presses += 1) {
    await page.keyboard.press('Tab');
    const element = await focused(page);
    if (element && matches(element)) return element;
    const step = element ? `${element.tag}${element.type ? `[${element.type}]` : ''} « ${element.name.slice(0, 50)} »` : '(rien)';
    seen.push(step);
    // Le focus a fait le tour de la page (les deux premiers arrêts reviennent) : inutile de continuer.
    const n = seen.length;
    if (n > 4 && seen[n - 2] === seen[0] && seen[n - 1] === seen[1]) {
      seen.splice(n - 2);
      break;
    }
  }
  throw new Error(`Au clavier, ${what} n'est jamais atteint (${seen.length} arrêts de tabulation parcourus). Parcours : ${seen.join(' → ')}`);
}

describe('Au clavier seulement', () => {
  it('la greffière se connecte, ouvre un signalement et l’enregistre sans souris', async () => {
    const context = await newUserContext(browser, ACCOUNTS.greffe, problems);
    const page = await context.newPage();
    await page.goto('/connexion');

    // Le premier arrêt de tabulation est le lien d'évitement « Contenu ».
    const first = await tabTo(page, 'le premier élément', () => true, 1);
    expect(first.name, 'premier arrêt de tabulation').toMatch(/Contenu/);

    await tabTo(page, 'le champ « Adresse électronique »', (el) => el.tag === 'input' && el.name.startsWith('Adresse électronique'));
    await page.keyboard.type(ACCOUNTS.greffe);
    await tabTo(page, 'le champ « Mot de passe »', (el) => el.tag === 'input' && el.type === 'password', 3);
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname === '/urgences');

    // Le menu principal mène à la liste des signalements reçus (onglet « À enregistrer »).
    await tabTo(page, 'le lien « Signalements reçus » du menu', (el) => el.tag === 'a' && el.name === 'Signalements reçus');
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname === '/signalements');
    await page.getByRole('link', { name: signalement.reference }).waitFor();

    await tabTo(page, `le lien ${signalement.reference}`, (el) => el.tag === 'a' && el.name === signalement.reference, 80);
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname.startsWith('/signalements/') && url.pathname !== '/signalements/nouveau');
    await expectText(page.getByTestId('reference'), signalement.reference);
    await expectText(statusBadge(page), 'Transmis');

    // « Enregistrer » ouvre la fenêtre ; le focus y entre.
    await tabTo(page, 'le bouton « Enregistrer »', (el) => el.tag === 'button' && el.name === 'Enregistrer' && el.inDialog === null);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Enregistrer le signalement' });
    await dialog.waitFor({ state: 'visible' });
    await expect.poll(async () => (await focused(page))?.inDialog ?? null, { message: 'le focus entre dans la fenêtre', timeout: 3000 }).not.toBeNull();

    await tabTo(page, 'le champ « Numéro parquet »', (el) => el.tag === 'input' && el.name.startsWith('Numéro parquet') && el.inDialog !== null, 10);
    await page.keyboard.type('26072000777');
    await tabTo(page, 'le bouton de confirmation « Enregistrer » de la fenêtre', (el) => el.tag === 'button' && el.text === 'Enregistrer' && el.inDialog !== null, 10);
    await page.keyboard.press('Space');

    await dialog.waitFor({ state: 'hidden' });
    await expectText(statusBadge(page), 'Enregistré');
    await expectText(page.locator('main'), 'Numéro parquet');
    await expectText(page.locator('main'), '26072000777');
    await context.close();
  });

  it('aucune exception JavaScript dans les pages', () => {
    expect(problems.pageErrors, problems.pageErrors.join('\n')).toEqual([]);
  });
});

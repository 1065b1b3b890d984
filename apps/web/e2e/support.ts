import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { expect, inject } from 'vitest';

/** Outils partagés des scénarios de bout en bout : navigateur, utilisateurs, API, axe, captures. */

export const PASSWORD = 'infoparquet-demo';
export const SCREENSHOTS_DIR = path.resolve(import.meta.dirname, '../../../docs/screenshots');

export const ACCOUNTS = {
  agent: 'agent@ddpp77.demo',
  manager: 'manager@ddpp77.demo',
  greffe: 'greffe@melun.demo',
  magistrat: 'magistrat@melun.demo',
  procureur: 'procureur@melun.demo',
} as const;

export const webUrl = () => inject('webUrl');
export const apiUrl = () => inject('apiUrl');

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.E2E_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}

/** Ce que les pages ont écrit en erreur dans la console, et les exceptions non interceptées. */
export interface PageProblems {
  consoleErrors: string[];
  pageErrors: string[];
  httpErrors: string[];
}

export function trackProblems(context: BrowserContext, label: string, problems: PageProblems) {
  const watch = (page: Page) => {
    page.on('console', (message) => {
      if (message.type() === 'error') problems.consoleErrors.push(`[${label}] ${page.url()} : ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.pageErrors.push(`[${label}] ${page.url()} : ${error.message}`));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.httpErrors.push(`[${label}] ${page.url()} : HTTP ${response.status()} ${response.request().method()} ${response.url()}`);
    });
  };
  context.pages().forEach(watch);
  context.on('page', watch);
}

export function newProblems(): PageProblems {
  return { consoleErrors: [], pageErrors: [], httpErrors: [] };
}

export function printProblems(file: string, problems: PageProblems) {
  if (problems.consoleErrors.length + problems.pageErrors.length + problems.httpErrors.length === 0) return;
  console.warn(
    [
      `── ${file} : messages d'erreur des pages ──`,
      ...problems.pageErrors.map((line) => `exception : ${line}`),
      ...problems.consoleErrors.map((line) => `console.error : ${line}`),
      ...problems.httpErrors.map((line) => `réponse : ${line}`),
    ].join('\n'),
  );
}

export interface User {
  context: BrowserContext;
  page: Page;
  email: string;
}

export async function newUserContext(browser: Browser, label: string, problems: PageProblems): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL: webUrl(),
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
    colorScheme: 'light',
    reducedMotion: 'reduce',
    viewport: { width: 1280, height: 900 },
  });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(30_000);
  trackProblems(context, label, problems);
  return context;
}

/** Un utilisateur dans son propre contexte (ses cookies), connecté par la page /connexion. */
export async function loginAs(browser: Browser, email: string, problems: PageProblems): Promise<User> {
  const context = await newUserContext(browser, email, problems);
  const page = await context.newPage();
  await login(page, email);
  return { context, page, email };
}

export async function login(page: Page, email: string) {
  await page.goto('/connexion');
  await page.getByLabel('Adresse électronique').fill(email);
  await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  // L'accueil (/) renvoie chacun vers son écran de travail : on attend cet écran.
  await page.waitForURL((url) => url.pathname !== '/connexion' && url.pathname !== '/');
}

/** Le lien temps réel de la page est établi (indicateur data-testid="connexion"). */
export async function waitForLive(page: Page, timeout = 10_000) {
  const indicator = page.getByTestId('connexion').first();
  await expect
    .poll(async () => indicator.getAttribute('data-state'), { timeout, message: `lien temps réel de ${page.url()} non établi` })
    .toMatch(/^(connected|restored)$/);
}

/**
 * Coche une case ou un bouton radio du DSFR : le libellé recouvre la case (comme pour un
 * utilisateur, le clic porte sur le libellé), puis vérifie qu'elle est cochée.
 */
export async function checkDsfr(input: Locator) {
  if (await input.isChecked()) return;
  const id = await input.getAttribute('id');
  await input.page().locator(`label[for="${id}"]`).click();
  await expect.poll(() => input.isChecked(), { message: 'case cochée', timeout: 3000 }).toBe(true);
}

/** Une marque posée dans la page : si elle disparaît, la page a été rechargée. */
export async function markPage(page: Page) {
  await page.evaluate(() => {
    (window as unknown as { __e2eMark: number }).__e2eMark = 42;
  });
}

export async function pageWasNotReloaded(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { __e2eMark?: number }).__e2eMark === 42);
}

export async function textOf(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** Attend un texte dans un élément, sans recharger la page. */
export async function expectText(locator: Locator, expected: string | RegExp, timeout = 10_000) {
  await expect.poll(() => textOf(locator).catch(() => ''), { timeout }).toMatch(typeof expected === 'string' ? new RegExp(escapeRegExp(expected)) : expected);
}

export function escapeRegExp(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ─── API (préparation des données, comme le ferait le logiciel d'une administration) ───

export async function gql<T = any>(query: string, variables?: Record<string, unknown>, token?: string): Promise<T> {
  const response = await fetch(apiUrl(), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(`GraphQL : ${body.errors.map((error) => error.message).join(' ; ')}`);
  return body.data as T;
}

export async function apiLogin(email: string): Promise<string> {
  const data = await gql<{ login: { token: string } }>('mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', { e: email, p: PASSWORD });
  return data.login.token;
}

/** Un signalement rédigé et transmis par l'agent de la DDPP 77 au parquet de Melun. */
export async function transmitSignalement(input: { title: string; urgent?: boolean; facts?: string }): Promise<{ id: string; reference: string }> {
  const token = await apiLogin(ACCOUNTS.agent);
  const created = await gql<{ createSignalement: { id: string } }>(
    'mutation($i: SignalementInput!) { createSignalement(input: $i) { id } }',
    {
      i: {
        parquetCode: 'MELUN',
        title: input.title,
        facts: input.facts ?? 'Lors d’un contrôle en magasin, des produits sans marquage CE ni notice en français ont été constatés (procès-verbal joint).',
        factsDate: 'Novembre 2026',
        places: ['77288'],
        natinfCodes: ['1508'],
        urgent: input.urgent ?? false,
        ...(input.urgent ? { urgencyReason: 'DANGER_TO_PERSONS' } : {}),
      },
    },
    token,
  );
  const id = created.createSignalement.id;
  const transmitted = await gql<{ transmitSignalement: { reference: string } }>('mutation($id: ID!) { transmitSignalement(id: $id) { reference } }', { id }, token);
  return { id, reference: transmitted.transmitSignalement.reference };
}

export const detailPath = (id: string) => `/signalements/${encodeURIComponent(id)}`;

/**
 * Cherche dans un référentiel du formulaire (communes, NATINF) et choisit le premier résultat qui
 * correspond. Rend '' si tout s'est bien passé, sinon la raison de l'échec.
 */
export function searchBox(page: Page, label: string): Locator {
  return page.getByRole('searchbox', { name: new RegExp(`^${escapeRegExp(label)}`) });
}

export async function pickSearchResult(page: Page, label: string, search: string, result: RegExp): Promise<string> {
  await searchBox(page, label).fill(search);
  try {
    await page.getByRole('list', { name: `Résultats : ${label}` }).getByRole('button', { name: result }).first().click({ timeout: 8000 });
    await page.getByRole('list', { name: `Sélection : ${label}` }).waitFor({ timeout: 5000 });
    return '';
  } catch {
    const status = await textOf(searchBox(page, label).locator('xpath=following::p[1]')).catch(() => '?');
    await searchBox(page, label).fill('');
    return `aucun résultat « ${result.source} » pour « ${search} » (la page affiche : « ${status} »)`;
  }
}

// ─── Fenêtres d'action (modales DSFR) ───

/** Ouvre la fenêtre d'une action de la page de détail (bouton de la zone « Actions »). */
export async function openAction(page: Page, buttonName: string, dialogTitle: string): Promise<Locator> {
  const region = page.getByRole('region', { name: 'Actions' });
  const button = region.getByRole('button', { name: buttonName, exact: true });
  try {
    await button.waitFor({ state: 'visible' });
  } catch {
    const offered = (await region.count()) > 0 ? (await region.getByRole('button').allTextContents()).map((text) => `« ${text.trim()} »`) : [];
    throw new Error(
      `${page.url()} : pas de bouton « ${buttonName} » dans la zone « Actions » (${offered.length ? `boutons présents : ${offered.join(', ')}` : 'la zone « Actions » n’est pas affichée'})`,
    );
  }
  await button.click();
  const dialog = page.getByRole('dialog', { name: dialogTitle });
  await dialog.waitFor({ state: 'visible' });
  return dialog;
}

/** Attend la fermeture de la fenêtre après confirmation, sinon montre l'erreur qu'elle affiche. */
export async function expectDialogClosed(dialog: Locator, timeout = 15_000) {
  try {
    await dialog.waitFor({ state: 'hidden', timeout });
  } catch {
    const message = await textOf(dialog.locator('.fr-alert')).catch(() => '');
    throw new Error(`La fenêtre est restée ouverte${message ? ` : « ${message} »` : ''}`);
  }
}

/** Le badge de statut de la page de détail : le premier badge de la page, au-dessus du titre. */
export function statusBadge(page: Page): Locator {
  return page.locator('main .fr-badge').first();
}

// ─── Accessibilité ───

/** La page est chargée et le JavaScript du DSFR a démarré (attribut data-fr-js sur <html>). */
export async function settle(page: Page) {
  await page.waitForLoadState('load');
  await page.waitForFunction(() => document.documentElement.getAttribute('data-fr-js') === 'true', undefined, { timeout: 2000 }).catch(() => undefined);
  await page.evaluate(() => document.fonts.ready);
}

export async function axeViolations(page: Page, label: string): Promise<string> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze();
  if (results.violations.length === 0) return '';
  return [
    `${label} (${page.url()}) : ${results.violations.length} règle(s) axe non respectée(s)`,
    ...results.violations.map((violation) =>
      [
        `• ${violation.id} [${violation.impact ?? '?'}] ${violation.help} — ${violation.helpUrl}`,
        ...violation.nodes.map((node) => `    ${node.target.join(' ')}${node.failureSummary ? ` — ${node.failureSummary.replace(/\s+/g, ' ')}` : ''}`),
      ].join('\n'),
    ),
  ].join('\n');
}

export async function expectNoAxeViolations(page: Page, label: string) {
  const report = await axeViolations(page, label);
  expect(report, report).toBe('');
}

// ─── Captures d'écran ───

export async function screenshot(page: Page, name: string) {
  await mkdir(SCREENSHOTS_DIR, { recursive: true });
  await settle(page);
  await page.screenshot({ path: path.join(SCREENSHOTS_DIR, name), fullPage: true });
}

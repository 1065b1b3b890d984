import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCOUNTS,
  checkDsfr,
  escapeRegExp,
  expectDialogClosed,
  expectText,
  pickSearchResult,
  launchBrowser,
  loginAs,
  markPage,
  newProblems,
  openAction,
  pageWasNotReloaded,
  printProblems,
  statusBadge,
  textOf,
  waitForLive,
  type User,
} from './support';

/**
 * Scénario 1 : un agent transmet un signalement urgent au parquet de Melun ; la file d'urgence,
 * ouverte chez la greffière et chez le magistrat, le montre aussitôt sans rechargement ; la
 * greffière l'enregistre ; il sort de la file partout, et l'agent voit le nouveau statut en direct.
 */
const problems = newProblems();
let browser: Browser;
let agent: User;
let greffe: User;
let magistrat: User;

beforeAll(async () => {
  browser = await launchBrowser();
  [agent, greffe, magistrat] = await Promise.all([
    loginAs(browser, ACCOUNTS.agent, problems),
    loginAs(browser, ACCOUNTS.greffe, problems),
    loginAs(browser, ACCOUNTS.magistrat, problems),
  ]);
});

afterAll(async () => {
  printProblems('scénario 1', problems);
  await browser?.close();
});

const queueCount = async (page: Page) => page.getByTestId('file-urgence').locator(':scope > li').count();
const titleCount = async (page: Page) => Number(/^\((\d+)\)/.exec(await page.title())?.[1] ?? NaN);

describe('Signalement urgent en temps réel', () => {
  const title = 'Jouets dangereux vendus au marché de Melun';
  let reference = '';
  let detailUrl = '';
  let initialCount = 0;

  it('la file d’urgence est ouverte chez la greffière et chez le magistrat, en direct', async () => {
    for (const user of [greffe, magistrat]) {
      expect(new URL(user.page.url()).pathname).toBe('/urgences');
      await waitForLive(user.page);
      await markPage(user.page);
    }
    initialCount = await queueCount(greffe.page);
    expect(await queueCount(magistrat.page)).toBe(initialCount);
    await expect.poll(() => titleCount(greffe.page), { message: 'titre de l’onglet « (N) File d’urgence — infoParquet »', timeout: 5000 }).toBe(initialCount);
  });

  it('l’agent remplit le formulaire en étapes et transmet ; l’urgent apparaît en moins de 2 s sur chaque file, sans rechargement', async () => {
    const page = agent.page;
    await page.goto('/signalements/nouveau');
    await page.getByRole('heading', { level: 1, name: 'Nouveau signalement' }).waitFor();

    // Étape 1 : les faits
    await page.getByLabel('Titre').fill(title);
    await page.getByLabel('Exposé des faits').fill('Des jouets sans marquage CE, aux petites pièces détachables, sont vendus sur le marché de Melun. Un enfant a été hospitalisé.');
    await page.getByLabel('Date ou période des faits').fill('Novembre 2026');
    await page.getByRole('button', { name: 'Étape suivante' }).click();

    // Étape 2 : lieux et infractions (recherche dans les référentiels). Un échec de la recherche
    // est noté sans bloquer la suite : ces champs sont facultatifs.
    await page.getByRole('heading', { name: /^Étape 2 sur 5 :/ }).waitFor({ state: 'attached' });
    expect.soft(await pickSearchResult(page, 'Communes des faits', 'Melun', /^Melun \(/), 'recherche des communes « Melun »').toBe('');
    expect.soft(await pickSearchResult(page, 'Infractions (codes NATINF)', 'sanitaire', /sanitaire/i), 'recherche NATINF « sanitaire »').toBe('');
    await page.getByRole('button', { name: 'Étape suivante' }).click();

    // Étape 3 : personnes (facultatif)
    await page.getByRole('heading', { name: /^Étape 3 sur 5 :/ }).waitFor({ state: 'attached' });
    await page.getByRole('button', { name: 'Étape suivante' }).click();

    // Étape 4 : destinataire et urgence
    await page.getByRole('heading', { name: /^Étape 4 sur 5 :/ }).waitFor({ state: 'attached' });
    await page.getByLabel('Parquet destinataire').selectOption('MELUN');
    await checkDsfr(page.getByLabel('Signalement urgent'));
    await page.getByLabel('Motif d’urgence').selectOption('DANGER_TO_PERSONS');
    await page.getByRole('button', { name: 'Étape suivante' }).click();

    // Étape 5 : vérification et envoi
    await page.getByRole('heading', { name: /^Étape 5 sur 5 :/ }).waitFor({ state: 'attached' });
    await expectText(page.getByTestId('recapitulatif'), title);

    const appeared = [greffe.page, magistrat.page].map((parquetPage) =>
      parquetPage
        .getByTestId('file-urgence')
        .getByRole('link', { name: new RegExp(escapeRegExp(title)) })
        .waitFor({ timeout: 30_000 })
        .then(() => Date.now()),
    );
    const clickedAt = Date.now();
    await page.getByRole('button', { name: 'Transmettre au parquet' }).click();
    await page.waitForURL(/\/signalements\/(?!nouveau)[^/]+$/, { timeout: 30_000 });
    const transmittedAt = Date.now();
    detailUrl = page.url();
    reference = (await textOf(page.getByTestId('reference'))).replace(/^Référence /, '');
    expect(reference).toMatch(/^IP-\d{4}-MELUN-\d{6}$/);

    const times = await Promise.all(appeared);
    const delays = times.map((time) => time - transmittedAt);
    console.info(`[scénario 1] transmission ${transmittedAt - clickedAt} ms ; apparition dans les files (greffe / magistrat) ${delays.map((d) => `${d} ms`).join(' / ')} par rapport à l’arrivée de l’agent sur sa page (négatif : avant)`);
    for (const delay of delays) expect(delay, 'l’urgent doit apparaître moins de 2 s après la transmission').toBeLessThanOrEqual(2000);

    for (const parquetPage of [greffe.page, magistrat.page]) {
      expect(await pageWasNotReloaded(parquetPage), 'la file d’urgence a été rechargée').toBe(true);
      expect(await queueCount(parquetPage)).toBe(initialCount + 1);
      await expectText(parquetPage.getByTestId('compteur-urgences'), `${initialCount + 1} signalement`);
      await expect.poll(() => titleCount(parquetPage), { timeout: 3000 }).toBe(initialCount + 1);
      await expectText(parquetPage.getByTestId('alerte-urgence'), reference);
    }
  });

  it('la greffière l’enregistre depuis la page de détail ; il sort de chaque file, et l’agent voit « Enregistré » sans recharger', async () => {
    // L'agent garde sa page de détail ouverte, en direct.
    await waitForLive(agent.page);
    await markPage(agent.page);
    expect(await textOf(statusBadge(agent.page))).toBe('Transmis');

    // La greffière ouvre l'urgent dans un nouvel onglet : sa file reste ouverte.
    const href = await greffe.page.getByTestId('file-urgence').getByRole('link', { name: new RegExp(escapeRegExp(title)) }).getAttribute('href');
    expect(href).toBe(new URL(detailUrl).pathname);
    const detail = await greffe.context.newPage();
    await detail.goto(href!);
    await expectText(detail.getByTestId('reference'), reference);
    const dialog = await openAction(detail, 'Enregistrer', 'Enregistrer le signalement');
    await dialog.getByLabel('Numéro parquet (facultatif)').fill('26072000123');
    await dialog.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await expectDialogClosed(dialog);
    await expectText(statusBadge(detail), 'Enregistré');

    // Il sort de la file sur chaque page de parquet ouverte.
    for (const parquetPage of [greffe.page, magistrat.page]) {
      await parquetPage.getByTestId('file-urgence').getByRole('link', { name: new RegExp(escapeRegExp(title)) }).waitFor({ state: 'detached', timeout: 5000 });
      expect(await queueCount(parquetPage)).toBe(initialCount);
      await expect.poll(() => titleCount(parquetPage), { timeout: 3000 }).toBe(initialCount);
      expect(await pageWasNotReloaded(parquetPage)).toBe(true);
    }

    // L'agent voit le nouveau statut, sans rechargement.
    await expectText(agent.page.getByTestId('avis-direct'), 'Nouveau statut : Enregistré', 5000);
    await expectText(statusBadge(agent.page), 'Enregistré', 5000);
    expect(await pageWasNotReloaded(agent.page), 'la page de l’agent a été rechargée').toBe(true);
  });

  it('l’agent télécharge l’accusé de réception en PDF depuis sa page', async () => {
    const link = agent.page.getByRole('link', { name: /Télécharger l’accusé de réception/ });
    const [download] = await Promise.all([agent.page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe(`accuse-de-reception-${reference}.pdf`);
    const path = await download.path();
    const { readFile } = await import('node:fs/promises');
    const bytes = await readFile(path!);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('aucune exception JavaScript dans les pages', () => {
    expect(problems.pageErrors, problems.pageErrors.join('\n')).toEqual([]);
  });
});

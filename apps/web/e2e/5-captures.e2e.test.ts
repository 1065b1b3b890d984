import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCOUNTS,
  SCREENSHOTS_DIR,
  apiLogin,
  detailPath,
  expectText,
  gql,
  launchBrowser,
  loginAs,
  newProblems,
  newUserContext,
  printProblems,
  screenshot,
  transmitSignalement,
  waitForLive,
  type User,
} from './support';

/** Scénario 5 : captures des écrans principaux dans docs/screenshots/ (données de la démo). */
const problems = newProblems();
let browser: Browser;
let agent: User;
let greffe: User;
let decidedId = '';
let transmitted: { id: string; reference: string };

beforeAll(async () => {
  browser = await launchBrowser();
  const token = await apiLogin(ACCOUNTS.agent);
  const decided = await gql<{ signalements: { edges: { node: { id: string } }[] } }>(
    '{ signalements(first: 1, filter: { status: [DECIDED] }) { edges { node { id } } } }',
    {},
    token,
  );
  decidedId = decided.signalements.edges[0]?.node.id ?? '';
  transmitted = await transmitSignalement({
    title: 'Vente de détecteurs de fumée non conformes',
    facts: 'Contrôle du 11 octobre 2026 dans un magasin de bricolage de Melun : 240 détecteurs de fumée sans marquage CE ni notice en français, dont 30 ne se déclenchent pas au test (procès-verbal n° 2026-77-0412).',
  });
  [agent, greffe] = await Promise.all([loginAs(browser, ACCOUNTS.agent, problems), loginAs(browser, ACCOUNTS.greffe, problems)]);
});

afterAll(async () => {
  printProblems('scénario 5', problems);
  await browser?.close();
});

describe(`Captures d’écran (${SCREENSHOTS_DIR})`, () => {
  it('connexion.png', async () => {
    const context = await newUserContext(browser, 'anonyme', problems);
    const page = await context.newPage();
    await page.goto('/connexion');
    await page.getByRole('heading', { name: 'Connexion à infoParquet' }).waitFor();
    await screenshot(page, 'connexion.png');
    await context.close();
  });

  it('signalements-agent.png', async () => {
    await agent.page.goto('/signalements');
    await agent.page.getByRole('heading', { level: 1, name: 'Mes signalements' }).waitFor();
    await screenshot(agent.page, 'signalements-agent.png');
  });

  it('nouveau-signalement.png', async () => {
    const page = agent.page;
    await page.goto('/signalements/nouveau');
    await page.getByLabel('Titre').fill('Jouets dangereux vendus sur le marché de Melun');
    await page.getByLabel('Exposé des faits').fill('Lors du contrôle du marché du 14 novembre 2026, des jouets sans marquage CE, aux petites pièces détachables, étaient exposés à la vente.');
    await page.getByLabel('Date ou période des faits').fill('14 novembre 2026');
    await screenshot(page, 'nouveau-signalement.png');
  });

  it('detail-agent.png', async () => {
    expect(decidedId, 'la démo contient un signalement décidé').not.toBe('');
    await agent.page.goto(detailPath(decidedId));
    await agent.page.getByRole('heading', { name: /^Décision : / }).waitFor();
    await waitForLive(agent.page).catch(() => undefined);
    await screenshot(agent.page, 'detail-agent.png');
  });

  it('file-urgence.png', async () => {
    await greffe.page.goto('/urgences');
    await greffe.page.getByTestId('file-urgence').locator('li').first().waitFor();
    await waitForLive(greffe.page).catch(() => undefined);
    await screenshot(greffe.page, 'file-urgence.png');
  });

  it('detail-parquet.png', async () => {
    await greffe.page.goto(detailPath(transmitted.id));
    await expectText(greffe.page.getByTestId('reference'), transmitted.reference);
    await waitForLive(greffe.page).catch(() => undefined);
    await screenshot(greffe.page, 'detail-parquet.png');
  });

  it('organisation.png', async () => {
    const manager = await loginAs(browser, ACCOUNTS.manager, problems);
    await manager.page.goto('/organisation');
    await manager.page.getByRole('heading', { level: 1 }).waitFor();
    await screenshot(manager.page, 'organisation.png');
    await manager.context.close();
  });

  it('preferences.png', async () => {
    await agent.page.goto('/preferences');
    await agent.page.getByRole('heading', { level: 1, name: 'Mes notifications' }).waitFor();
    await screenshot(agent.page, 'preferences.png');
  });

  it('acces-api.png', async () => {
    const manager = await loginAs(browser, ACCOUNTS.manager, problems);
    await manager.page.goto('/organisation/acces-api');
    await manager.page.getByRole('heading', { level: 1, name: 'Accès API' }).waitFor();
    await screenshot(manager.page, 'acces-api.png');
    await manager.context.close();
  });
});

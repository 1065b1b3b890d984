import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNTS, checkDsfr, expectNoAxeViolations, expectText, launchBrowser, loginAs, newProblems, printProblems, settle, type User } from './support';

/**
 * Scénario 7 : les courriels. L'agent passe par le menu « Mes notifications », choisit le
 * récapitulatif quotidien pour les décisions et retrouve son choix après rechargement ; le
 * magistrat voit que l'alerte urgente ne se coupe pas ; la cheffe de parquet inscrit un
 * magistrat au tableau de permanence depuis la page de son organisation.
 */
const problems = newProblems();
let browser: Browser;
let agent: User;
let magistrat: User;
let procureur: User;

beforeAll(async () => {
  browser = await launchBrowser();
  [agent, magistrat, procureur] = await Promise.all([
    loginAs(browser, ACCOUNTS.agent, problems),
    loginAs(browser, ACCOUNTS.magistrat, problems),
    loginAs(browser, ACCOUNTS.procureur, problems),
  ]);
});

afterAll(async () => {
  printProblems('scénario 7', problems);
  await browser?.close();
});

describe('Mes notifications', () => {
  it('l’agent choisit « Récapitulatif quotidien » pour les décisions : enregistré, et toujours là après rechargement', async () => {
    const page = agent.page;
    await page.getByRole('navigation').getByRole('link', { name: 'Mes notifications' }).click();
    await page.waitForURL('**/preferences');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Mes notifications');
    await settle(page);
    await expectNoAxeViolations(page, 'Mes notifications (agent)');

    const decisions = page.getByRole('group', { name: /^Décision du parquet/ });
    const digest = decisions.getByRole('radio', { name: /^Récapitulatif quotidien/ });
    expect(await decisions.getByRole('radio', { name: /^Immédiatement/ }).isChecked()).toBe(true);
    await checkDsfr(digest);
    await page.getByRole('button', { name: 'Enregistrer mes choix' }).click();
    await expectText(page.getByRole('main'), 'Vos choix sont enregistrés.');

    await page.reload();
    await settle(page);
    const reloaded = page.getByRole('group', { name: /^Décision du parquet/ });
    expect(await reloaded.getByRole('radio', { name: /^Récapitulatif quotidien/ }).isChecked()).toBe(true);
    // Les autres événements n'ont pas bougé.
    expect(await page.getByRole('group', { name: /^Accusé de réception de mes transmissions/ }).getByRole('radio', { name: /^Immédiatement/ }).isChecked()).toBe(true);
  });

  it('le magistrat voit l’alerte urgente de la permanence cochée « Immédiatement », sans autre choix possible', async () => {
    const page = magistrat.page;
    await page.goto('/preferences');
    await settle(page);
    const urgent = page.getByRole('group', { name: /^Nouveau signalement urgent \(permanence\)/ });
    const immediate = urgent.getByRole('radio', { name: /^Immédiatement/ });
    expect(await immediate.isChecked()).toBe(true);
    expect(await immediate.isDisabled()).toBe(true);
    expect(await urgent.getByRole('radio').count()).toBe(1);
    await expectText(urgent, 'ne peut être ni différée ni désactivée');
    await expectNoAxeViolations(page, 'Mes notifications (magistrat)');
  });
});

describe('Tableau de permanence', () => {
  it('la cheffe de parquet s’inscrit de permanence : enregistré, et toujours là après rechargement ; puis elle s’en retire', async () => {
    const page = procureur.page;
    await page.goto('/organisation');
    await settle(page);
    const roster = page.getByRole('region', { name: 'De permanence' });
    // Le magistrat de permanence de la démonstration.
    expect(await roster.getByRole('checkbox', { name: /Julien Laurent/ }).isChecked()).toBe(true);
    const herself = roster.getByRole('checkbox', { name: /Claire Garnier/ });
    expect(await herself.isChecked()).toBe(false);
    await checkDsfr(herself);
    await expectText(roster, 'Claire Garnier est de permanence.');
    await expectNoAxeViolations(page, 'Organisation (tableau de permanence)');

    await page.reload();
    await settle(page);
    const again = page.getByRole('region', { name: 'De permanence' }).getByRole('checkbox', { name: /Claire Garnier/ });
    expect(await again.isChecked()).toBe(true);
    await page.locator(`label[for="${await again.getAttribute('id')}"]`).click();
    await expectText(page.getByRole('region', { name: 'De permanence' }), 'Claire Garnier n’est plus de permanence.');
    await page.reload();
    expect(await page.getByRole('region', { name: 'De permanence' }).getByRole('checkbox', { name: /Claire Garnier/ }).isChecked()).toBe(false);
  });
});

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNTS, apiUrl, expectNoAxeViolations, expectText, launchBrowser, loginAs, newProblems, printProblems, settle, type User } from './support';

/**
 * Scénario 8 : l'accès API d'une administration. Le responsable crée un jeton pour le logiciel de
 * son service depuis la page de son organisation ; le jeton n'est montré qu'une fois, il ouvre
 * l'API à ce logiciel, et sa révocation le ferme aussitôt. Un agent n'a pas accès à la page.
 */
const problems = newProblems();
let browser: Browser;
let manager: User;
let agent: User;

beforeAll(async () => {
  browser = await launchBrowser();
  [manager, agent] = await Promise.all([loginAs(browser, ACCOUNTS.manager, problems), loginAs(browser, ACCOUNTS.agent, problems)]);
});

afterAll(async () => {
  printProblems('scénario 8', problems);
  await browser?.close();
});

/** Ce que ferait le logiciel de l'administration avec le jeton : lister ses signalements. */
async function softwareCall(token: string): Promise<{ status: number; body: { data?: { signalements?: { edges: unknown[] } } | null; errors?: { extensions?: { code?: string } }[] } }> {
  const response = await fetch(apiUrl(), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ signalements(first: 5) { edges { node { reference } } } }' }),
  });
  return { status: response.status, body: (await response.json()) as never };
}

describe('Accès API', () => {
  it('un agent n’a pas accès à la page : renvoyé à l’accueil', async () => {
    await agent.page.goto('/organisation/acces-api');
    await settle(agent.page);
    expect(new URL(agent.page.url()).pathname).not.toBe('/organisation/acces-api');
    expect(await agent.page.getByRole('heading', { level: 1, name: 'Accès API' }).count()).toBe(0);
  });

  it('le responsable crée un jeton, montré une seule fois, qui ouvre l’API ; révoqué, il est refusé aussitôt', async () => {
    const page = manager.page;
    await page.goto('/organisation');
    await page.getByRole('link', { name: /^Accès API/ }).click();
    await page.waitForURL('**/organisation/acces-api');
    await settle(page);
    await expectNoAxeViolations(page, 'Accès API (responsable)');

    await page.getByLabel(/^Nom/).fill('Logiciel de suivi des contrôles');
    await page.getByRole('button', { name: 'Créer le jeton' }).click();
    const shown = page.locator('code').filter({ hasText: /^\s*ipk_[A-Za-z0-9_-]{40,}\s*$/ });
    await expect.poll(() => shown.count(), { timeout: 15_000 }).toBe(1);
    const token = (await shown.textContent())!.trim();
    await expectText(page.getByRole('main'), 'il ne sera plus jamais affiché');

    const allowed = await softwareCall(token);
    expect(allowed.status).toBe(200);
    expect(allowed.body.errors).toBeUndefined();
    expect(Array.isArray(allowed.body.data?.signalements?.edges)).toBe(true);

    // Après rechargement : le jeton est listé (nom, début du jeton), jamais plus le jeton lui-même.
    await page.reload();
    await settle(page);
    await expectText(page.getByRole('main'), 'Logiciel de suivi des contrôles');
    await expectText(page.getByRole('main'), token.slice(0, 12));
    expect(await page.getByText(token).count()).toBe(0);

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Révoquer' }).first().click();
    await expectText(page.getByRole('main'), 'Révoqué');
    const refused = await softwareCall(token);
    expect(refused.status).toBe(401);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

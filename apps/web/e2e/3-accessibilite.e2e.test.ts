import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCOUNTS,
  checkDsfr,
  apiLogin,
  axeViolations,
  detailPath,
  gql,
  launchBrowser,
  loginAs,
  newProblems,
  newUserContext,
  openAction,
  printProblems,
  searchBox,
  settle,
  transmitSignalement,
  type User,
} from './support';

/**
 * Scénario 3 : axe (WCAG 2.0 A et AA, WCAG 2.1 AA) sur chaque écran, fenêtres d'action ouvertes
 * comprises. Le message d'échec donne, pour chaque règle, les éléments en cause et l'aide d'axe.
 */
const problems = newProblems();
let browser: Browser;
let agent: User;
let greffe: User;
let agentSignalementId = '';
let clerkSignalementId = '';

beforeAll(async () => {
  browser = await launchBrowser();
  // Un signalement en attente de renseignements de la démo (l'agent peut y répondre), et un
  // signalement tout juste transmis (la greffière peut l'enregistrer).
  const token = await apiLogin(ACCOUNTS.agent);
  const waiting = await gql<{ signalements: { edges: { node: { id: string } }[] } }>(
    '{ signalements(first: 1, filter: { status: [INFORMATION_REQUESTED] }) { edges { node { id } } } }',
    {},
    token,
  );
  agentSignalementId = waiting.signalements.edges[0]?.node.id ?? '';
  clerkSignalementId = (await transmitSignalement({ title: 'Vente de produits phytosanitaires interdits en jardinerie' })).id;
  [agent, greffe] = await Promise.all([loginAs(browser, ACCOUNTS.agent, problems), loginAs(browser, ACCOUNTS.greffe, problems)]);
});

afterAll(async () => {
  printProblems('scénario 3', problems);
  await browser?.close();
});

async function audit(page: Page, label: string) {
  await settle(page);
  const report = await axeViolations(page, label);
  expect.soft(report, report).toBe('');
}

describe('Accessibilité (axe, WCAG 2.1 AA)', () => {
  it('/connexion', async () => {
    const context = await newUserContext(browser, 'anonyme', problems);
    const page = await context.newPage();
    await page.goto('/connexion');
    await audit(page, 'Connexion');
    // Avec le message d'erreur d'une connexion refusée.
    await page.getByLabel('Adresse électronique').fill(ACCOUNTS.agent);
    await page.getByLabel('Mot de passe', { exact: true }).fill('mauvais-mot-de-passe');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByText('Adresse électronique ou mot de passe incorrect.').waitFor();
    await audit(page, 'Connexion refusée');
    await context.close();
  });

  it('/signalements (agent)', async () => {
    await agent.page.goto('/signalements');
    await audit(agent.page, 'Mes signalements (agent)');
  });

  it('/signalements/nouveau, à chaque étape', async () => {
    const page = agent.page;
    await page.goto('/signalements/nouveau');
    await audit(page, 'Nouveau signalement, étape 1');
    await page.getByRole('button', { name: 'Étape suivante' }).click();
    await page.getByText('Certains champs sont à corriger').waitFor();
    await audit(page, 'Nouveau signalement, étape 1 avec erreurs');

    await page.getByLabel('Titre').fill('Produits cosmétiques non conformes');
    await page.getByLabel('Exposé des faits').fill('Des produits cosmétiques contenant une substance interdite sont vendus en pharmacie.');
    await page.getByLabel('Date ou période des faits').fill('Octobre 2026');
    const next = async (step: number, name: string) => {
      await page.getByRole('button', { name: 'Étape suivante' }).click();
      await page.getByRole('heading', { name: new RegExp(`^Étape ${step} sur 5 :`) }).waitFor({ state: 'attached' });
      await audit(page, `Nouveau signalement, étape ${step} (${name})`);
    };
    await next(2, 'Lieux et infractions');
    await searchBox(page, 'Communes des faits').fill('Fontainebleau');
    await page.getByText(/\d+ résultats?$/).first().waitFor({ timeout: 5000 }).catch(() => undefined);
    await audit(page, 'Nouveau signalement, étape 2 (Lieux et infractions), recherche saisie');
    await searchBox(page, 'Communes des faits').fill('');
    await next(3, 'Personnes concernées');
    await next(4, 'Destinataire et urgence');
    await page.getByLabel('Parquet destinataire').selectOption('MELUN');
    await checkDsfr(page.getByLabel('Signalement urgent'));
    await page.getByLabel('Motif d’urgence').selectOption('EVIDENCE_AT_RISK');
    await audit(page, 'Nouveau signalement, étape 4 (urgence cochée)');
    await next(5, 'Vérification et envoi');
  });

  it('/signalements/[id] (agent), puis avec la fenêtre « Répondre à la demande de renseignements » ouverte', async () => {
    expect(agentSignalementId, 'la démo contient un signalement en attente de renseignements').not.toBe('');
    const page = agent.page;
    await page.goto(detailPath(agentSignalementId));
    await audit(page, 'Détail (agent)');
    await openAction(page, 'Répondre à la demande de renseignements', 'Répondre au parquet');
    await audit(page, 'Détail (agent), fenêtre « Répondre au parquet » ouverte');
  });

  it('un signalement hors périmètre mène à une page « introuvable » en français, accessible', async () => {
    // Un identifiant global bien formé, mais d'un signalement qui n'existe pas.
    const unknown = Buffer.from('Signalement:00000000-0000-4000-8000-000000000000').toString('base64');
    await agent.page.goto(`/signalements/${encodeURIComponent(unknown)}`);
    await agent.page.getByRole('heading', { level: 1, name: 'Page introuvable' }).waitFor();
    await audit(agent.page, 'Page introuvable');
  });

  it('/signalements (greffe)', async () => {
    await greffe.page.goto('/signalements');
    await audit(greffe.page, 'Signalements reçus (greffe)');
  });

  it('/signalements/[id] (greffe), puis avec la fenêtre « Enregistrer » ouverte', async () => {
    const page = greffe.page;
    await page.goto(detailPath(clerkSignalementId));
    await audit(page, 'Détail (greffe)');
    await openAction(page, 'Enregistrer', 'Enregistrer le signalement');
    await audit(page, 'Détail (greffe), fenêtre « Enregistrer le signalement » ouverte');
  });

  it('/urgences (greffe)', async () => {
    await greffe.page.goto('/urgences');
    await audit(greffe.page, 'File d’urgence');
  });

  it('/organisation (responsable de l’administration)', async () => {
    const manager = await loginAs(browser, ACCOUNTS.manager, problems);
    await manager.page.goto('/organisation');
    await audit(manager.page, 'Organisation (responsable)');
    await manager.context.close();
  });
});

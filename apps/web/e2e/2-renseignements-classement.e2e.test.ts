import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCOUNTS,
  checkDsfr,
  detailPath,
  escapeRegExp,
  expectDialogClosed,
  expectText,
  launchBrowser,
  loginAs,
  newProblems,
  openAction,
  printProblems,
  statusBadge,
  textOf,
  transmitSignalement,
  waitForLive,
  type User,
} from './support';

/**
 * Scénario 2 : la greffière enregistre et attribue au magistrat, qui demande des renseignements ;
 * l'agent répond depuis sa page ; le magistrat classe sans suite (motif et motivation) ; l'agent
 * lit la décision, le motif et la motivation (article 40-2).
 */
const problems = newProblems();
let browser: Browser;
let agent: User;
let greffe: User;
let magistrat: User;
let signalement: { id: string; reference: string };

const title = 'Miel étiqueté « de Seine-et-Marne » importé en vrac';
const internalNote = 'Note interne : vérifier les antécédents de la société avant décision.';
const question = 'Merci de nous transmettre les procès-verbaux d’audition du gérant et les analyses du laboratoire.';
const answer = 'Les procès-verbaux d’audition et le rapport d’analyse du laboratoire (n° 2026-118) sont joints à ce message.';
let motifLabel = '';
const reasons = 'Les analyses complémentaires n’établissent pas l’adultération : l’infraction n’est pas suffisamment caractérisée.';

beforeAll(async () => {
  signalement = await transmitSignalement({ title });
  browser = await launchBrowser();
  [agent, greffe, magistrat] = await Promise.all([
    loginAs(browser, ACCOUNTS.agent, problems),
    loginAs(browser, ACCOUNTS.greffe, problems),
    loginAs(browser, ACCOUNTS.magistrat, problems),
  ]);
  for (const user of [agent, greffe, magistrat]) await user.page.goto(detailPath(signalement.id));
});

afterAll(async () => {
  printProblems('scénario 2', problems);
  await browser?.close();
});

describe('Demande de renseignements, réponse, puis classement sans suite', () => {
  it('chacun ouvre le signalement transmis par l’agent', async () => {
    for (const user of [agent, greffe, magistrat]) {
      await expectText(user.page.getByTestId('reference'), `Référence ${signalement.reference}`);
      await expectText(statusBadge(user.page), 'Transmis');
    }
  });

  it('la greffière l’enregistre puis l’attribue au magistrat, avec une note interne', async () => {
    const page = greffe.page;
    const register = await openAction(page, 'Enregistrer', 'Enregistrer le signalement');
    await register.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await expectDialogClosed(register);
    await expectText(statusBadge(page), 'Enregistré');

    const assign = await openAction(page, 'Attribuer ou orienter', 'Attribuer ou orienter');
    const member = assign.getByLabel('Membre du parquet');
    const magistratOption = (await member.locator('option').allTextContents()).find((text) => text.includes('Laurent'));
    expect(magistratOption, 'le magistrat Julien Laurent figure parmi les membres proposés').toBeDefined();
    await member.selectOption({ label: magistratOption! });
    await assign.getByLabel('Note interne (facultative)').fill(internalNote);
    await assign.getByRole('button', { name: 'Attribuer', exact: true }).click();
    await expectDialogClosed(assign);
    await expectText(statusBadge(page), 'En cours');
    await expectText(page.locator('main'), new RegExp(`Attribué à\\s*${escapeRegExp(magistratOption!)}`));
  });

  it('le magistrat demande des renseignements ; l’agent voit la demande en direct', async () => {
    await waitForLive(agent.page);
    const page = magistrat.page;
    await page.reload();
    await expectText(statusBadge(page), 'En cours');
    const dialog = await openAction(page, 'Demander des renseignements', 'Demander des renseignements à l’administration');
    await dialog.getByLabel('Renseignements demandés').fill(question);
    await dialog.getByRole('button', { name: 'Envoyer la demande', exact: true }).click();
    await expectDialogClosed(dialog);
    await expectText(statusBadge(page), 'Renseignements demandés');

    await expectText(agent.page.getByTestId('avis-direct'), 'Nouveau statut : Renseignements demandés');
    await expectText(statusBadge(agent.page), 'Renseignements demandés');
    await expectText(agent.page.locator('main'), question);
  });

  it('l’agent répond depuis sa page', async () => {
    const page = agent.page;
    const dialog = await openAction(page, 'Répondre à la demande de renseignements', 'Répondre au parquet');
    await dialog.getByLabel('Votre réponse').fill(answer);
    await dialog.getByRole('button', { name: 'Envoyer la réponse', exact: true }).click();
    await expectDialogClosed(dialog);
    await expectText(statusBadge(page), 'En cours');
    await expectText(page.locator('main'), answer);
    // La note interne du parquet n'est jamais visible de l'administration.
    expect(await textOf(page.locator('main'))).not.toContain(internalNote);
  });

  it('le magistrat classe sans suite, avec un motif et une motivation', async () => {
    const page = magistrat.page;
    await page.reload();
    await expectText(page.locator('main'), answer);
    const dialog = await openAction(page, 'Décider', 'Décision du procureur');
    await checkDsfr(dialog.getByLabel('Classement sans suite'));
    const motif = dialog.getByLabel('Motif de classement');
    await motif.waitFor();
    const options = (await motif.locator('option:not([disabled])').allTextContents()).map((text) => text.trim());
    expect(options.length, 'des motifs de classement sont proposés').toBeGreaterThan(0);
    await motif.selectOption({ label: options[0]! });
    await dialog.getByLabel('Motivation').fill(reasons);
    await dialog.getByRole('button', { name: 'Enregistrer la décision', exact: true }).click();
    await expectDialogClosed(dialog);
    await expectText(statusBadge(page), 'Décidé');
    motifLabel = options[0]!;
  });

  it('l’agent lit la décision, le motif et la motivation sur sa page', async () => {
    const page = agent.page;
    await expectText(statusBadge(page), 'Décidé');
    await page.reload();
    await expectText(statusBadge(page), 'Décidé');
    await expectText(page.getByRole('heading', { name: /^Décision : / }), 'Décision : Classement sans suite');
    // « 21 — Infraction insuffisamment caractérisée » dans la liste, « Motif de classement : 21 — … » sur la page.
    await expectText(page.locator('main'), `Motif de classement : ${motifLabel}`);
    expect(await textOf(page.getByTestId('motivation'))).toBe(reasons);
    const history = await textOf(page.getByTestId('historique'));
    for (const step of ['Décision', 'Réponse aux renseignements', 'Demande de renseignements', 'Enregistrement au parquet', 'Transmission au parquet']) {
      expect(history, `historique : « ${step} »`).toContain(step);
    }
    expect(await textOf(page.locator('main'))).not.toContain(internalNote);
  });

  it('l’agent télécharge l’avis de décision ; le magistrat voit qu’il a été lu', async () => {
    const link = agent.page.getByRole('link', { name: /Télécharger l’avis de décision/ });
    const [download] = await Promise.all([agent.page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe(`avis-de-decision-${signalement.reference}.pdf`);
    const { readFile } = await import('node:fs/promises');
    expect((await readFile((await download.path())!)).subarray(0, 5).toString('latin1')).toBe('%PDF-');

    await magistrat.page.reload();
    await expectText(magistrat.page.locator('main'), 'Avis lu par l’administration le');
  });

  it('aucune exception JavaScript dans les pages', () => {
    expect(problems.pageErrors, problems.pageErrors.join('\n')).toEqual([]);
  });
});

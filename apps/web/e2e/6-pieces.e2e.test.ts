import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCOUNTS,
  apiLogin,
  detailPath,
  expectDialogClosed,
  expectNoAxeViolations,
  expectText,
  gql,
  launchBrowser,
  loginAs,
  newProblems,
  openAction,
  printProblems,
  statusBadge,
  textOf,
  type User,
} from './support';

/**
 * Scénario 6 : l'agent joint deux pièces à son brouillon depuis la page du signalement, les voit
 * listées avec leur empreinte SHA-256, en télécharge une puis l'archive ZIP, et transmet ; la
 * greffière du parquet destinataire les voit et les télécharge à son tour.
 */
const problems = newProblems();
let browser: Browser;
let agent: User;
let greffe: User;
let id: string;

const files = [
  { name: 'PV de constat n° 2026-204.pdf', mimeType: 'application/pdf', buffer: Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(300_000)]) },
  { name: 'photo étiquette.jpg', mimeType: 'image/jpeg', buffer: randomBytes(80_000) },
];
const sha256 = (content: Buffer) => createHash('sha256').update(content).digest('hex');

beforeAll(async () => {
  const token = await apiLogin(ACCOUNTS.agent);
  const created = await gql<{ createSignalement: { id: string } }>(
    'mutation($i: SignalementInput!) { createSignalement(input: $i) { id } }',
    {
      i: {
        parquetCode: 'MELUN',
        title: 'Jouets sans marquage CE, procès-verbal et photos joints',
        facts: 'Lors d’un contrôle en magasin, des jouets sans marquage CE ni notice en français ont été constatés.',
        factsDate: 'Novembre 2026',
        places: ['77288'],
        natinfCodes: ['1508'],
        urgent: false,
      },
    },
    token,
  );
  id = created.createSignalement.id;
  browser = await launchBrowser();
  [agent, greffe] = await Promise.all([loginAs(browser, ACCOUNTS.agent, problems), loginAs(browser, ACCOUNTS.greffe, problems)]);
});

afterAll(async () => {
  printProblems('scénario 6', problems);
  await browser?.close();
});

/** Les pièces listées sur la page : nom (début du lien) et empreinte affichée. */
async function listedPieces(page: Page) {
  const items = page.getByTestId('piece');
  const result: { text: string; sha256: string }[] = [];
  for (let index = 0; index < (await items.count()); index += 1) {
    const item = items.nth(index);
    result.push({ text: await textOf(item.getByRole('link')), sha256: await textOf(item.getByTestId('sha256')) });
  }
  return result;
}

async function download(page: Page, name: RegExp) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name }).click()]);
  return { filename: file.suggestedFilename(), content: await readFile((await file.path())!) };
}

describe('Pièces jointes : dépôt sur le brouillon, téléchargement, lecture par le parquet', () => {
  it('l’agent joint deux fichiers à son brouillon ; ils sont listés avec leur empreinte SHA-256', async () => {
    const page = agent.page;
    await page.goto(detailPath(id));
    await expectText(page.getByRole('region', { name: 'Pièces jointes' }), 'Aucune pièce jointe.');
    await page.getByLabel(/^Joindre des pièces/).setInputFiles(files);
    await page.getByRole('button', { name: 'Déposer', exact: true }).click();
    await expectText(page.getByRole('region', { name: 'Pièces jointes' }).getByRole('status'), '2 pièces déposées.');
    await expect.poll(async () => (await listedPieces(page)).length, { timeout: 10_000 }).toBe(2);
    const listed = await listedPieces(page);
    expect(listed.map((piece) => piece.sha256)).toEqual(files.map((file) => sha256(file.buffer)));
    expect(listed[0]!.text).toMatch(/^PV de constat n° 2026-204\.pdf\s*293 Ko – déposée le /);
    expect(listed[1]!.text).toMatch(/^photo étiquette\.jpg\s*78,1 Ko – déposée le /);
    await expectNoAxeViolations(page, 'page d’un brouillon avec ses pièces');
  });

  it('l’agent télécharge une pièce puis l’archive de toutes : mêmes octets', async () => {
    const page = agent.page;
    const one = await download(page, /^photo étiquette\.jpg/);
    expect(one.filename).toBe('photo étiquette.jpg');
    expect(sha256(one.content)).toBe(sha256(files[1]!.buffer));

    const zip = await download(page, /^Télécharger toutes les pièces \(ZIP\)/);
    expect(zip.filename).toBe('pieces-brouillon.zip');
    expect(zip.content.subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');
    // Archive sans compression : chaque fichier y figure tel quel, sous son nom.
    for (const file of files) {
      expect(zip.content.includes(Buffer.from(file.name)), file.name).toBe(true);
      expect(zip.content.includes(file.buffer), `contenu de ${file.name}`).toBe(true);
    }
  });

  it('l’agent transmet : les pièces sont transmises avec le signalement, plus de retrait possible', async () => {
    const page = agent.page;
    const dialog = await openAction(page, 'Transmettre au parquet', 'Transmettre le signalement');
    await dialog.getByRole('button', { name: 'Transmettre', exact: true }).click();
    await expectDialogClosed(dialog);
    await expectText(statusBadge(page), 'Transmis');
    await expect.poll(() => page.getByRole('button', { name: /^Retirer la pièce/ }).count()).toBe(0);
    await expectText(page.getByRole('region', { name: 'Pièces jointes' }), /Ajouter un complément/);
  });

  it('la greffière du parquet destinataire voit les deux pièces et leurs empreintes, et les télécharge', async () => {
    const page = greffe.page;
    await page.goto(detailPath(id));
    await expectText(statusBadge(page), 'Transmis');
    const listed = await listedPieces(page);
    expect(listed.map((piece) => piece.sha256)).toEqual(files.map((file) => sha256(file.buffer)));
    expect(listed.map((piece) => piece.text.split(' ')[0])).toEqual(['PV', 'photo']);
    // Le parquet ne joint pas de pièce au signalement lui-même (seulement à ses messages).
    expect(await page.getByLabel(/^Ajouter un complément/).count()).toBe(0);
    const one = await download(page, /^PV de constat n° 2026-204\.pdf/);
    expect(sha256(one.content)).toBe(sha256(files[0]!.buffer));
  });

  it('depuis le formulaire de création, l’agent joint une pièce et transmet : elle part avec le signalement, pas en complément', async () => {
    const page = agent.page;
    const pv = { name: 'PV joint au formulaire.pdf', mimeType: 'application/pdf', buffer: randomBytes(20_000) };
    await page.goto('/signalements/nouveau');
    await page.getByRole('heading', { level: 1, name: 'Nouveau signalement' }).waitFor();
    await page.getByLabel('Titre').fill('Étiquetage trompeur, procès-verbal joint dès la création');
    await page.getByLabel('Exposé des faits').fill('Des produits portant la mention « fabriqué en France » ont été importés, selon le procès-verbal joint.');
    await page.getByLabel('Date ou période des faits').fill('Novembre 2026');
    for (const step of [2, 3, 4]) {
      await page.getByRole('button', { name: 'Étape suivante' }).click();
      await page.getByRole('heading', { name: new RegExp(`^Étape ${step} sur 5 :`) }).waitFor({ state: 'attached' });
    }
    await page.getByLabel('Parquet destinataire').selectOption('MELUN');
    await page.getByRole('button', { name: 'Étape suivante' }).click();
    await page.getByRole('heading', { name: /^Étape 5 sur 5 :/ }).waitFor({ state: 'attached' });
    await page.getByLabel(/^Pièces jointes \(facultatif\)/).setInputFiles([pv]);
    await expectText(page.getByTestId('pieces-choisies'), 'Fichier choisi : PV joint au formulaire.pdf (19,5 Ko)');
    await page.getByRole('button', { name: 'Transmettre au parquet' }).click();
    await page.waitForURL(/\/signalements\/(?!nouveau)[^/?]+$/, { timeout: 30_000 });
    await expectText(statusBadge(page), 'Transmis');
    const listed = await listedPieces(page);
    expect(listed).toHaveLength(1);
    expect(listed[0]!.text).toMatch(/^PV joint au formulaire\.pdf\s*19,5 Ko – déposée le /);
    expect(listed[0]!.sha256).toBe(sha256(pv.buffer));
  });

  it('aucune exception JavaScript dans les pages', () => {
    expect(problems.pageErrors, problems.pageErrors.join('\n')).toEqual([]);
  });
});

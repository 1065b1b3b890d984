import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** Le texte d'un PDF, page après page, blancs (sauts de ligne, espaces insécables) ramenés à une espace. */
export async function pdfText(pdf: Buffer): Promise<string> {
  const document = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false }).promise;
  const parts: string[] = [];
  for (let n = 1; n <= document.numPages; n += 1) {
    const content = await (await document.getPage(n)).getTextContent();
    for (const item of content.items) if ('str' in item) parts.push(item.str, item.hasEOL ? '\n' : '');
  }
  await document.destroy();
  return parts.join('').replace(/\s+/g, ' ');
}

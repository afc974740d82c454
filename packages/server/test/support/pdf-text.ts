import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/**
 * The text of a PDF as Mozilla's PDF.js extracts it (through each font's ToUnicode map), one string per page
 * with the text runs joined by spaces; and the names of the fonts the pages use.
 */
export async function pdfText(pdf: Buffer): Promise<{ pages: string[]; fonts: string[] }> {
  const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false })
    .promise;
  const pages: string[] = [];
  const fonts = new Set<string>();
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const content = await page.getTextContent();
    const runs: string[] = [];
    for (const item of content.items) {
      if ('str' in item) runs.push(item.str);
    }
    for (const style of Object.values(content.styles)) fonts.add(style.fontFamily);
    pages.push(runs.join(' ').replace(/\s+/g, ' '));
  }
  await doc.destroy();
  return { pages, fonts: [...fonts] };
}

import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';

/**
 * What the server's PDFs (certificate of analysis, evaluation report) share: the CJK font, the Latin-1 fallback
 * and the table layout that breaks across pages.
 *
 * Chinese text needs a CJK font embedded in the file (the PDF standard fonts cover Latin-1 only). None is
 * bundled: the font is read at run time from CGTLINK_CJK_FONT or from the first of the Debian font packages'
 * paths below that exists (fonts-wqy-microhei is the small one; `.ci/run` installs it). pdfkit embeds only the
 * glyphs used, with a ToUnicode map, so the text stays searchable and extractable. Without any CJK font the PDF
 * is still produced, in Helvetica, with every character outside Latin-1 shown as "?" and a line saying so.
 */
export const CJK_FONT_CANDIDATES: readonly { path: string; family?: string }[] = [
  { path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', family: 'WenQuanYiMicroHei' },
  { path: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', family: 'WenQuanYiZenHei' },
  { path: '/usr/share/fonts/truetype/arphic/uming.ttc', family: 'AR PL UMing CN' },
  { path: '/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf' },
];

export interface CjkFont {
  path: string;
  family?: string | undefined;
}

export type PdfFontKind = 'cjk' | 'fallback';

/** The CJK font to embed: CGTLINK_CJK_FONT (a .ttf, or `path#Family` for a collection), else a Debian font. */
export function findCjkFont(env: NodeJS.ProcessEnv = process.env): CjkFont | null {
  const configured = env.CGTLINK_CJK_FONT?.trim();
  if (configured) {
    const [path, family] = configured.split('#');
    return path && existsSync(path) ? { path, family } : null;
  }
  return CJK_FONT_CANDIDATES.find((c) => existsSync(c.path)) ?? null;
}

export const NO_CJK_FONT_NOTICE =
  'Chinese text is shown as "?": no CJK font is installed on the server (install fonts-wqy-microhei, or set CGTLINK_CJK_FONT).';

/** Helvetica's view of a string: anything beyond Latin-1 would print as garbage glyphs, so it is marked instead. */
export function latin1(text: string): string {
  return text
    .replace(/≥/g, '>=')
    .replace(/≤/g, '<=')
    .replace(/[–—]/g, '-')
    .replace(/[^\t\n\r\u0020-\u00ff]/g, '?');
}

export interface PdfCanvas {
  doc: PDFKit.PDFDocument;
  font: PdfFontKind;
  /** The text as the chosen font can show it. */
  show(text: string): string;
  left: number;
  width: number;
  /** The lowest y the body may reach on the current page. */
  bottom(): number;
  /** Ends the document and resolves with its bytes. */
  finish(): Promise<Buffer>;
}

/** An A4 document in the CJK font when there is one, collected in memory. */
export function openPdf(options: PDFKit.PDFDocumentOptions, font: CjkFont | null): PdfCanvas {
  // pdfkit reads `margin` before `margins`, so the default must not shadow a caller's `margins`.
  const doc = new PDFDocument({ size: 'A4', ...(options.margins ? {} : { margin: 48 }), ...options });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  if (font) {
    doc.registerFont('cjk', font.path, font.family);
    doc.font('cjk');
  } else {
    doc.font('Helvetica');
  }
  const left = doc.page.margins.left;
  return {
    doc,
    font: font ? 'cjk' : 'fallback',
    show: font ? (text) => text : latin1,
    left,
    width: doc.page.width - left - doc.page.margins.right,
    bottom: () => doc.page.height - doc.page.margins.bottom,
    finish: () => {
      doc.end();
      return done;
    },
  };
}

export interface RowOptions {
  /** The table's header row, repeated at the top of the page the table continues on. */
  header?: string[];
  headerFill?: string;
  /** Background of the row (table headers). */
  fill?: string;
  /** A hairline under the row. */
  rule?: boolean;
}

/**
 * Headings and tables that break across pages: a row never splits, and a table's header row is repeated at the
 * top of the page it continues on.
 */
export function tableLayout(canvas: PdfCanvas, bodySize = 9) {
  const { doc, show, left, width, bottom } = canvas;
  const heading = (text: string, size = 12) => {
    // A heading alone at the foot of a page reads as belonging to nothing.
    if (doc.y > bottom() - 60) doc.addPage();
    doc.moveDown(0.6).fontSize(size).text(show(text), left, doc.y, { width }).moveDown(0.2);
    doc
      .moveTo(left, doc.y)
      .lineTo(left + width, doc.y)
      .lineWidth(0.5)
      .stroke();
    doc.moveDown(0.3).fontSize(bodySize);
  };
  const row = (cells: string[], widths: number[], options: RowOptions = {}) => {
    const heights = cells.map((c, i) => doc.heightOfString(show(c), { width: widths[i]! - 6 }));
    const h = Math.max(...heights) + 4;
    if (doc.y + h > bottom()) {
      doc.addPage();
      if (options.header) {
        row(options.header, widths, {
          ...(options.headerFill ? { fill: options.headerFill } : {}),
          rule: options.rule ?? false,
        });
      }
    }
    const y = doc.y;
    const total = widths.reduce((a, b) => a + b, 0);
    if (options.fill) doc.save().rect(left, y, total, h).fill(options.fill).restore();
    let x = left;
    cells.forEach((c, i) => {
      doc.text(show(c), x + 2, y + 2, { width: widths[i]! - 6 });
      x += widths[i]!;
    });
    if (options.rule) {
      doc
        .save()
        .moveTo(left, y + h)
        .lineTo(left + total, y + h)
        .lineWidth(0.3)
        .strokeColor('#bbbbbb')
        .stroke()
        .restore();
    }
    doc.x = left;
    doc.y = y + h;
  };
  const pairs = (items: [string, string][], split = 0.32) => {
    for (const [label, value] of items) row([label, value], [width * split, width * (1 - split)]);
  };
  return { heading, row, pairs };
}

/**
 * The Chinese font of the platform's PDFs (the alarm case file, the compliance inspection report), bundled with the platform (no OS fonts: the server runs
 * offline on a security network, often in a bare container).
 *
 * Choice: the npm package `@expo-google-fonts/noto-sans-sc` (Noto Sans SC, SIL Open Font
 * License 1.1, text in node_modules/@expo-google-fonts/noto-sans-sc/LICENSE_FONT). It ships each
 * weight as ONE full TrueType file (≈10 MB, all of GB 18030's common Han characters, Latin,
 * CJK punctuation), unlike the @fontsource packages whose fonts are split by unicode-range
 * into many woff2 pieces. `npm install` brings it, so a fresh clone works offline afterwards and
 * no binary font lives in git. We use two weights (Regular, Bold); pdfkit embeds only the glyphs
 * a document uses (a subset), so a case file or a report stays small.
 *
 * A character the font lacks (an emoji, a rare extension-B ideograph) is drawn as the font's
 * empty .notdef box by fontkit: the export never fails on text.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const PACKAGE = '@expo-google-fonts/noto-sans-sc';

export const FONT_FILES = {
  regular: `${PACKAGE}/400Regular/NotoSansSC_400Regular.ttf`,
  bold: `${PACKAGE}/700Bold/NotoSansSC_700Bold.ttf`,
} as const;

export type FontWeight = keyof typeof FONT_FILES;

let cache: Record<FontWeight, Buffer> | null = null;

/** The font files, read once (≈20 MB together) and kept: every export reuses the same buffers. */
export function cjkFonts(): Record<FontWeight, Buffer> {
  cache ??= {
    regular: readFileSync(require.resolve(FONT_FILES.regular)),
    bold: readFileSync(require.resolve(FONT_FILES.bold)),
  };
  return cache;
}

/** Registers the two weights on a pdfkit document as the fonts `regular` and `bold`. */
export function registerCjkFonts(doc: PDFKit.PDFDocument): void {
  const fonts = cjkFonts();
  doc.registerFont('regular', fonts.regular);
  doc.registerFont('bold', fonts.bold);
}

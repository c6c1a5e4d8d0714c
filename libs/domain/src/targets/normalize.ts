/**
 * Full-width digits, letters, operators and spaces are normal in published tables: NFKC folds
 * them; ≧/≦ and their look-alikes are mapped by hand (NFKC leaves them alone).
 */
export function normalizeText(s: string): string {
  return s
    .normalize('NFKC')
    .replace(/[≧⩾]/g, '≥')
    .replace(/[≦⩽]/g, '≤')
    .replace(/>=/g, '≥')
    .replace(/<=/g, '≤')
    .replace(/\u00a0|\u3000/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .trim();
}

/** Trim including ideographic spaces and blank lines, collapse inner runs of spaces. */
export function cleanCell(s: string | undefined): string {
  if (!s) return '';
  return s
    .replace(/\u3000/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join('\n')
    .replace(/[ \t]+/g, ' ')
    .trim();
}

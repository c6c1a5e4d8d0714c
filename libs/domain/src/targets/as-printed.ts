/**
 * Text as the official forms print it. ⩾ ⩽ (slanted, often pasted from Word) become ≥ ≤, which
 * every form font has; full-width digits are left alone (they are the unit's own writing).
 */
export function officialSigns(text: string): string {
  return text.replace(/\u2A7E/g, '≥').replace(/\u2A7D/g, '≤');
}

/** A bare number beside a target with a unit takes the unit: "62" under "≥70人" reads "62人" (forms and pages). */
export function withUnit(actual: string, target: { kind: string; unit?: string | null } | undefined): string {
  const a = actual.trim();
  if (target?.kind !== 'quantitative' || !target.unit || !/^-?\d+(\.\d+)?$/.test(a)) return a;
  return `${a}${target.unit}`;
}

import type { IndicatorEntity, TargetSheetEntity, UnitEntity } from '@selfeval/db';
import type { Target, TargetOp, TargetSheet, Warning } from '@selfeval/domain';

/** Stored sheet → interchange format (for the Excel export and the CLI). */
export function toInterchange(
  sheet: TargetSheetEntity & { unit?: UnitEntity; indicators: IndicatorEntity[] },
): TargetSheet {
  const unitCode = sheet.unit && sheet.unit.code !== sheet.unit.name ? sheet.unit.code : null;
  return {
    kind: sheet.kind,
    year: sheet.year,
    unit: { code: unitCode, name: sheet.unit?.name ?? '' },
    ...(sheet.kind === 'project' ? { project: { code: sheet.projectCode, name: sheet.name } } : {}),
    budget: sheet.budget,
    spendingPlan: sheet.spendingPlan,
    goal: sheet.goal,
    attributes: sheet.attributes,
    indicators: sheet.indicators.map((i) => {
      const target = indicatorTarget(i);
      return {
        level1: i.level1,
        level2: i.level2,
        name: i.name,
        target,
        ...(i.description ? { description: i.description } : {}),
        ...(i.basis ? { basis: i.basis } : {}),
        ...(i.standard ? { standard: i.standard } : {}),
      };
    }),
    warnings: sheet.warnings as Warning[],
  };
}

/** The stored target columns of an indicator as an interchange Target. */
export function indicatorTarget(i: IndicatorEntity): Target {
  const text = i.targetText ?? '';
  if (i.targetKind === 'quantitative') {
    // the importer stores a number with every quantitative target; a row without one is corrupt, not zero
    if (i.targetValue === null) throw new Error(`indicator ${i.id}: quantitative target without a value`);
    return {
      raw: i.targetRaw,
      kind: 'quantitative',
      op: i.targetOp as TargetOp,
      value: i.targetValue,
      unit: i.targetUnit,
    };
  }
  // dates and periods keep their ISO value in target_text (see targets.service targetColumns)
  if (i.targetKind === 'date' && text)
    return { raw: i.targetRaw, kind: 'date', op: '<=', value: text, unit: null, text: i.targetRaw };
  if (i.targetKind === 'period' && text)
    return { raw: i.targetRaw, kind: 'period', op: '=', value: text, unit: null, text: i.targetRaw };
  return { raw: i.targetRaw, kind: 'qualitative', text };
}

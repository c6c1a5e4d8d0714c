import type { QualitativeGrade } from './profiles';

/**
 * Words real forms print in the 实际完成值 / 评价 column of a qualitative row, mapped to the
 * profile's bands (docs/scoring.md §grade words). `fraction` is the default score inside the band
 * where the word says more than the band (良 is the bottom of the top band).
 */
export interface GradeWord {
  grade: QualitativeGrade;
  fraction?: string;
}

const MET: QualitativeGrade = '达成年度指标';
const PARTIAL: QualitativeGrade = '部分达成年度指标并具有一定效果';
const MISSED: QualitativeGrade = '未达成年度指标且效果较差';

export const GRADE_WORDS: Readonly<Record<string, GradeWord>> = {
  达成: { grade: MET },
  达成年度指标: { grade: MET },
  达成预期指标: { grade: MET },
  达到预期指标: { grade: MET },
  达到预期: { grade: MET },
  达到: { grade: MET },
  已达到: { grade: MET },
  完成: { grade: MET },
  已完成: { grade: MET },
  全部完成: { grade: MET },
  按时完成: { grade: MET },
  达标: { grade: MET },
  合格: { grade: MET },
  有效: { grade: MET },
  是: { grade: MET },
  优: { grade: MET },
  良: { grade: MET, fraction: '0.8' },
  部分达成: { grade: PARTIAL },
  部分达成年度指标并具有一定效果: { grade: PARTIAL },
  基本达成: { grade: PARTIAL },
  基本达到: { grade: PARTIAL },
  基本完成: { grade: PARTIAL },
  基本达标: { grade: PARTIAL },
  部分完成: { grade: PARTIAL },
  中: { grade: PARTIAL },
  未达成: { grade: MISSED },
  未达成年度指标且效果较差: { grade: MISSED },
  未达到: { grade: MISSED },
  未完成: { grade: MISSED },
  不合格: { grade: MISSED },
  无效: { grade: MISSED },
  否: { grade: MISSED },
  差: { grade: MISSED },
};

/** The word as printed, without the punctuation and spaces forms put around it. */
export function normaliseGradeWord(raw: string): string {
  return raw.replace(/[\s。．.，,;；!！]+/g, '').trim();
}

export function readGradeWord(raw: string): GradeWord | undefined {
  return GRADE_WORDS[normaliseGradeWord(raw)];
}

export const ACCEPTED_GRADE_WORDS = Object.keys(GRADE_WORDS).join('、');

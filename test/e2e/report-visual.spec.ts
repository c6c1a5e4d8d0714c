import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildDepartmentReportVM, buildMonitoringTableVM, buildSelfEvalTableVM } from '@selfeval/reports';
import {
  DEPARTMENT_REPORT_SAMPLE,
  DEPARTMENT_SAMPLE,
  MONITORING_SAMPLE,
  PROJECT_SAMPLE,
} from '../fixtures/reports/samples';
import { tempDir } from '../helpers/config';
import { chromiumRenderer } from '../helpers/pdf';
import { decodeGreyPng, diffPgm, differingShare } from '../helpers/png';

/**
 * Visual regression: each report kind rendered for fixed data, every page turned into a 50 dpi
 * greyscale PNG and compared with the reviewed reference images under test/fixtures/reports/reference.
 * A template, stylesheet, font or Chromium change that moves the layout fails here; the images
 * of the failing run and a difference image land in test-artifacts/visual for a person to look at.
 * After a reviewed, intended change: UPDATE_REFERENCE_IMAGES=1 npx jest test/e2e/report-visual.spec.ts
 */
const REFERENCE = path.join(__dirname, '../fixtures/reports/reference');
const ARTIFACTS = path.join(__dirname, '../../test-artifacts/visual');
const UPDATE = process.env.UPDATE_REFERENCE_IMAGES === '1';
/** share of differing pixels a page may have: text moved by a line or a border lost is far above */
const MAX_DIFFERING = 0.002;

function pages(pdf: Buffer): Buffer[] {
  const dir = tempDir('visual-');
  fs.writeFileSync(path.join(dir, 'doc.pdf'), pdf);
  execFileSync('pdftoppm', ['-r', '50', '-gray', '-png', path.join(dir, 'doc.pdf'), path.join(dir, 'page')]);
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.png'))
    .sort()
    .map((f) => fs.readFileSync(path.join(dir, f)));
}

describe('reports look as reviewed (pixel comparison with reference images)', () => {
  const { renderer, templates } = chromiumRenderer();

  const kinds: [string, () => string][] = [
    ['project-self-eval', () => templates.render('self-eval-table', buildSelfEvalTableVM(PROJECT_SAMPLE))],
    ['department-self-eval', () => templates.render('self-eval-table', buildSelfEvalTableVM(DEPARTMENT_SAMPLE))],
    [
      'department-report',
      () => templates.render('department-report', buildDepartmentReportVM(DEPARTMENT_REPORT_SAMPLE)),
    ],
    ['monitoring-table', () => templates.render('monitoring-table', buildMonitoringTableVM(MONITORING_SAMPLE))],
  ];

  it.each(kinds)('%s: every page matches its reference image', async (name, html) => {
    const pdf = await renderer.render(html(), { pageNumbers: true });
    const actual = pages(pdf);
    if (UPDATE) {
      for (const f of fs.readdirSync(REFERENCE).filter((f) => f.startsWith(`${name}-`)))
        fs.rmSync(path.join(REFERENCE, f));
      actual.forEach((png, i) => fs.writeFileSync(path.join(REFERENCE, `${name}-${i + 1}.png`), png));
    }
    const references = fs
      .readdirSync(REFERENCE)
      .filter((f) => new RegExp(`^${name}-\\d+\\.png$`).test(f))
      .sort((a, b) => Number(/(\d+)\.png$/.exec(a)![1]) - Number(/(\d+)\.png$/.exec(b)![1]));
    const shares = actual.map((png, i) => {
      const ref = references[i] ? decodeGreyPng(fs.readFileSync(path.join(REFERENCE, references[i]))) : null;
      const img = decodeGreyPng(png);
      const share = ref ? differingShare(img, ref) : 1;
      if (share > MAX_DIFFERING) {
        fs.mkdirSync(ARTIFACTS, { recursive: true });
        fs.writeFileSync(path.join(ARTIFACTS, `${name}-${i + 1}.png`), png);
        if (ref) fs.writeFileSync(path.join(ARTIFACTS, `${name}-${i + 1}.diff.pgm`), diffPgm(img, ref));
      }
      return share;
    });
    expect(actual.length).toBe(references.length);
    for (const [i, share] of shares.entries())
      expect({ page: i + 1, share: share <= MAX_DIFFERING ? 'ok' : share }).toEqual({ page: i + 1, share: 'ok' });
  });

  it('tells a changed layout from the reference (the comparison is not blind)', () => {
    const ref = decodeGreyPng(fs.readFileSync(path.join(REFERENCE, 'project-self-eval-1.png')));
    expect(differingShare(ref, ref)).toBe(0);
    // the same page shifted down by 3 pixels (one 50 dpi line of text is ~14): as a moved table would be
    const shifted = { ...ref, pixels: new Uint8Array(ref.pixels.length).fill(255) };
    shifted.pixels.set(ref.pixels.subarray(0, ref.pixels.length - 3 * ref.width), 3 * ref.width);
    expect(differingShare(shifted, ref)).toBeGreaterThan(MAX_DIFFERING);
  });
});

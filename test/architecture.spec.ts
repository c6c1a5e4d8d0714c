import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(rel));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts')) out.push(rel);
  }
  return out;
}
const importsOf = (file: string) =>
  [...fs.readFileSync(path.join(ROOT, file), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]);

/** The dependency rules of README "Architecture", checked on every test run. */
describe('architecture', () => {
  it('keeps libs/domain pure: no Nest, no TypeORM, no other selfeval lib, no I/O modules', () => {
    for (const f of sources('libs/domain/src')) {
      for (const i of importsOf(f))
        expect({ f, i }).toEqual({
          f,
          i: expect.not.stringMatching(/^(@nestjs|typeorm|@selfeval|node:fs|fs$|ioredis|bullmq)/),
        });
    }
  });
  it('keeps the API free of mail, reports and notifications (no SMTP or Chromium in the API)', () => {
    for (const f of sources('apps/api/src')) {
      for (const i of importsOf(f))
        expect({ f, i }).toEqual({ f, i: expect.not.stringMatching(/^@selfeval\/(mail|reports|notifications)/) });
    }
  });
  it('never lets a lib import an app, or an app import another app', () => {
    for (const f of sources('libs'))
      for (const i of importsOf(f)) expect({ f, i }).toEqual({ f, i: expect.not.stringMatching(/apps\//) });
    for (const app of ['api', 'worker']) {
      for (const f of sources(`apps/${app}/src`)) {
        for (const i of importsOf(f))
          expect({ f, i }).toEqual({
            f,
            i: expect.not.stringMatching(
              new RegExp(`\\.\\./(${['api', 'worker', 'cli'].filter((a) => a !== app).join('|')})/`),
            ),
          });
      }
    }
  });
  it('names files <noun>.<role>.ts in kebab-case', () => {
    for (const f of [...sources('apps'), ...sources('libs')])
      expect(path.basename(f)).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z-]+)?\.ts$/);
  });
});

import * as fs from 'node:fs';
import * as path from 'node:path';

/** The user's five published 绩效目标表 documents: test fixtures and the data of `selfeval demo`. */
export const SEEDS_DIR = path.join(__dirname, '../../demo/seeds');

/** Path of the seed document whose file name starts with `prefix` (000–004). */
export function seedFile(prefix: string): string {
  const name = fs.readdirSync(SEEDS_DIR).find((f) => f.startsWith(prefix));
  if (!name) throw new Error(`no seed ${prefix}`);
  return path.join(SEEDS_DIR, name);
}

/** moved to processes.ts; re-exported for the specs that import it from here */
export { alive } from './processes';

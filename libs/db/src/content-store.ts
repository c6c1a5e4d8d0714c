import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Files on disk addressed by SHA-256 (evidence, rendered PDFs): the same bytes are stored once.
 * Written to a temporary name and renamed, so a crash never leaves a half file under its hash.
 */
export class ContentStore {
  constructor(private readonly root: string) {}

  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`bad hash ${sha256}`);
    return path.join(this.root, sha256.slice(0, 2), sha256);
  }

  put(bytes: Uint8Array): string {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const target = this.pathOf(sha256);
    if (fs.existsSync(target)) return sha256;
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const tmp = `${target}.${randomBytes(4).toString('hex')}.tmp`;
    fs.writeFileSync(tmp, bytes, { mode: 0o640 });
    fs.renameSync(tmp, target);
    return sha256;
  }

  read(sha256: string): Buffer {
    return fs.readFileSync(this.pathOf(sha256));
  }
}

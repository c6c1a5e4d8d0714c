import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dropTestRedisPrefixes, removeTempDirs } from './config';

// Each test file gets a TMPDIR of its own under the run's temp root (global-setup), inherited by whatever it starts:
// a browser a test kills on purpose cannot remove its org.chromium.Chromium.* files, so the file's directory goes.
const ROOT_ENV = 'SELFEVAL_TEST_TMP_ROOT';
const runRoot = (process.env[ROOT_ENV] ??= os.tmpdir());
const fileTmp = fs.mkdtempSync(path.join(runRoot, 'f-'));
process.env.TMPDIR = fileTmp;

/**
 * Every test file removes what it made, whatever its outcome: the temp directories (tempDir), its TMPDIR and the
 * Redis keys under the queue prefixes testConfig gave it (sessions, queues, event streams). Called by
 * file-cleanup-environment.js once the file is done, i.e. after the file's own afterAll closed its apps and browsers
 * (an afterAll here would run before those); processes still alive are the global teardown's to report.
 */
(globalThis as { __selfevalFileCleanup?: () => Promise<void> }).__selfevalFileCleanup = async () => {
  removeTempDirs();
  fs.rmSync(fileTmp, { recursive: true, force: true, maxRetries: 3 });
  process.env.TMPDIR = runRoot;
  await dropTestRedisPrefixes();
};

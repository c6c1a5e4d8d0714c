/**
 * Jest's node environment plus one step: after a test file has finished — its own afterAll hooks included, which a
 * setup file's afterAll would run BEFORE — it calls the cleanup after-file.ts registered (temp dirs, TMPDIR, Redis keys).
 */
const { TestEnvironment } = require('jest-environment-node');

class FileCleanupEnvironment extends TestEnvironment {
  async teardown() {
    const cleanup = this.global.__selfevalFileCleanup;
    if (typeof cleanup === 'function') await cleanup();
    await super.teardown();
  }
}

module.exports = FileCleanupEnvironment;

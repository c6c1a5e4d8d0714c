import { removeTempDirs } from './config';

/** Every test file removes the temp directories it made (tempDir), whatever its outcome. */
afterAll(() => removeTempDirs());

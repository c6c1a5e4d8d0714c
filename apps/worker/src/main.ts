import 'reflect-metadata';
import { loadConfig } from '@selfeval/config';
import { createWorker } from './create-worker';

/** Production worker process: scale it out; several workers share the same queues. */
createWorker(loadConfig())
  .then((ctx) => ctx.enableShutdownHooks())
  .catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });

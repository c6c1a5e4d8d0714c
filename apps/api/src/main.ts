import 'reflect-metadata';
import { loadConfig } from '@selfeval/config';
import { createApi } from './create-api';

/** Production API process: needs REDIS_URL (docker-compose sets it); never runs jobs. */
async function main() {
  const config = loadConfig();
  const app = await createApi(config);
  app.enableShutdownHooks();
  await app.listen(config.http.port, config.http.host);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});

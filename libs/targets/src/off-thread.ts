import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { DomainError } from '@selfeval/domain';
import { declaredUnpackedBytes } from './formats/zip-guard';

/**
 * Runs a parser (an exported async function of a module) on a worker thread, so unpacking and
 * parsing an uploaded workbook never stalls the event loop: /api/health and every other request
 * keep answering while a 100,000-row file is read or refused. One worker per process, started on
 * first use and reused; it has its own heap limit, so a file that exhausts memory ends the worker
 * (the upload is refused and the next one gets a fresh worker), never the server.
 */
const HEAP_MB = 1024;
/**
 * A parse that takes longer is stuck. SELFEVAL_PARSE_TIMEOUT_MS overrides it for test runs, where the first parse on
 * the worker also transpiles the parser modules with ts-node when it starts — slow on a machine whose cores are busy.
 */
const taskTimeoutMs = () => Number(process.env.SELFEVAL_PARSE_TIMEOUT_MS) || 120_000;

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  timer: NodeJS.Timeout;
  file: string;
}

type Reply =
  | { id: number; ok: true; result: unknown }
  | {
      id: number;
      ok: false;
      domain?: {
        code: DomainError['code'];
        userMessage: string;
        where: DomainError['where'];
        details: DomainError['details'];
      };
      message?: string;
    };

// CommonJS script run by the worker: loads the module asked for and calls the function.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
for (const hook of workerData.hooks) require(hook);
// the parser modules load (under ts-node: are transpiled) at normal priority, before the drop below:
// at nice 19 beside busy cores, loading alone took minutes
for (const module of workerData.preload) require(module);
// lowest CPU priority for this thread only (Linux: setpriority on the thread id), so on a busy
// machine request handling on the main thread wins the CPU over a long parse. Unprivileged, it
// cannot be raised again, hence the preload above.
try {
  const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
  require('node:os').setPriority(tid, 19);
} catch {}
parentPort.on('message', async ({ id, module, fn, args }) => {
  try {
    const result = await require(module)[fn](...args);
    parentPort.postMessage({ id, ok: true, result });
  } catch (e) {
    if (e && e.name === 'DomainError')
      parentPort.postMessage({ id, ok: false, domain: { code: e.code, userMessage: e.userMessage, where: e.where, details: e.details } });
    else parentPort.postMessage({ id, ok: false, message: String((e && e.stack) || e) });
  }
});
`;

let worker: Worker | null = null;
let nextId = 1;
/** Modules whose functions run on the worker; it loads them all when it starts. */
const parserModules = new Set<string>();

/** Declares a module as one the worker runs functions of (call at its top level with `__filename`). */
export function registerOffThreadModule(module: string): void {
  parserModules.add(module);
}
const pending = new Map<number, Pending>();

/**
 * Whether an upload is worth the thread hop. Small ones (≤ 512 KB, and a zip declaring ≤ 4 MB
 * unpacked: a header that understates is cut off at its declared size by checkZip) parse in a few
 * milliseconds, less than starting the worker; the sample sheets of a first start stay in process.
 */
export function parseOffThread(bytes: Uint8Array): boolean {
  if (bytes.length > 512 * 1024) return true;
  const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b;
  return isZip && (declaredUnpackedBytes(bytes) ?? 0) > 4 * 1024 * 1024;
}

/** Calls `module[fn](...args)` on the parse worker; a DomainError thrown there is thrown here. */
export function runOffThread<T>(module: string, fn: string, args: unknown[], file: string): Promise<T> {
  parserModules.add(module);
  const w = worker ?? startWorker();
  const id = nextId++;
  return new Promise<T>((resolve, reject) => {
    const timeout = taskTimeoutMs();
    const timer = setTimeout(() => {
      failAll(new DomainError('FILE_TOO_LARGE', `文件“${file}”解析超过 ${timeout / 1000} 秒，已停止并拒绝`, { file }));
    }, timeout);
    pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer, file });
    w.ref(); // keep the process alive while a parse is in flight
    w.postMessage({ id, module, fn, args });
  });
}

/** Ends the parse worker (tests and shutdown); the next parse starts a new one. */
export async function stopOffThreadWorker(): Promise<void> {
  const w = worker;
  worker = null;
  if (w) await w.terminate();
}

function startWorker(): Worker {
  const w = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { hooks: moduleHooks(), preload: [...parserModules] },
    resourceLimits: { maxOldGenerationSizeMb: HEAP_MB },
    // the parent's -r hooks are passed explicitly (workerData.hooks); inherited flags could be --inspect etc.
    execArgv: [],
    stdout: false,
    stderr: false,
  });
  w.unref();
  w.on('message', (reply: Reply) => {
    const p = pending.get(reply.id);
    if (!p) return;
    pending.delete(reply.id);
    clearTimeout(p.timer);
    if (!pending.size) w.unref();
    if (reply.ok) p.resolve(reply.result);
    else if (reply.domain)
      p.reject(new DomainError(reply.domain.code, reply.domain.userMessage, reply.domain.where, reply.domain.details));
    else p.reject(new Error(`parse worker: ${reply.message}`));
  });
  w.on('error', () => undefined);
  w.on('exit', () => {
    if (worker === w) worker = null;
    // out of memory, killed or crashed: whatever it was parsing is refused
    for (const [id, p] of pending) {
      pending.delete(id);
      clearTimeout(p.timer);
      p.reject(
        new DomainError(
          'FILE_TOO_LARGE',
          `文件“${p.file}”过大或过于复杂，解析时超出内存上限（${HEAP_MB} MB），已拒绝`,
          {
            file: p.file,
          },
        ),
      );
    }
  });
  worker = w;
  return w;
}

/** A stuck parse: end the worker, refuse what it held (its exit handler would say "memory"; this says "time"). */
function failAll(error: DomainError): void {
  for (const [id, p] of pending) {
    pending.delete(id);
    clearTimeout(p.timer);
    p.reject(error);
  }
  void stopOffThreadWorker();
}

/**
 * What the worker must require before our modules: from TypeScript sources (Jest, ts-node) the
 * TypeScript loader and the @selfeval/* paths; from dist/ the compiled paths (scripts/register-paths.js).
 */
function moduleHooks(): string[] {
  if (__filename.endsWith('.ts'))
    return [require.resolve('ts-node/register/transpile-only'), require.resolve('tsconfig-paths/register')];
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const hook = path.join(dir, 'scripts', 'register-paths.js');
    if (fs.existsSync(hook)) return [hook];
  }
  return [];
}

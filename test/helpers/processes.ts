import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Whether a process still runs (signal 0 probes without killing). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `pid` and every process below it, read from /proc (Chromium starts in its own process group). */
export function processTree(pid: number): { pid: number; cmd: string }[] {
  const parentOf = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // the command name in field 2 may hold spaces and parentheses: fields after the last ')' are fixed
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited meanwhile
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++)
    for (const [child, parent] of parentOf) if (parent === tree[i] && !tree.includes(child)) tree.push(child);
  return tree.map((p) => {
    let cmd = '';
    try {
      cmd = fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').join(' ');
    } catch {
      // exited meanwhile
    }
    return { pid: p, cmd };
  });
}

/**
 * SIGKILLs a process with everything it started, as a machine losing the process would; then removes
 * what the killed Chromium can no longer remove itself (its temporary profile). Resolves once all exited.
 */
export async function killTree(pid: number): Promise<void> {
  const tree = processTree(pid);
  const chromiumTemp = new Set(tree.flatMap((p) => chromiumTempOf(p.pid, p.cmd)));
  for (const p of tree) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  // a SIGKILLed process is gone once the kernel reaps it; there is no event to wait on for non-children
  const deadline = Date.now() + 10_000;
  while (tree.some((p) => alive(p.pid) && !zombie(p.pid)) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  for (const dir of chromiumTemp) fs.rmSync(dir, { recursive: true, force: true });
}

/** Chromium's temporary profile (from its command line) and its own temp dirs (from its open files). */
function chromiumTempOf(pid: number, cmd: string): string[] {
  const found: string[] = [];
  const profile = /--user-data-dir=(\S+)/.exec(cmd)?.[1];
  if (profile && path.basename(profile).startsWith('puppeteer_dev_chrome_profile-')) {
    found.push(profile);
    try {
      // the browser's socket dir (org.chromium.Chromium.*), linked from its profile
      found.push(path.dirname(fs.readlinkSync(path.join(profile, 'SingletonSocket'))));
    } catch {
      // not created yet
    }
  }
  try {
    for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
      const target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      const rel = path.relative(os.tmpdir(), target);
      if (rel.startsWith('org.chromium.')) found.push(path.join(os.tmpdir(), rel.split(path.sep)[0]));
    }
  } catch {
    // exited meanwhile, or not ours to read
  }
  return found;
}

function zombie(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Chromium runs in its own process group (puppeteer starts it detached), so a renderer process
 * killed with SIGKILL leaves the browser and its profile directory behind. Each browser is
 * therefore given a profile under a root in DATA_DIR with a lock file naming both processes;
 * the next renderer to start stops what a dead owner left and removes the directory.
 */
export interface BrowserLock {
  ownerPid: number;
  browserPid: number;
  profileDir: string;
}

const LOCK_SUFFIX = '.lock.json';

export function newProfileDir(root: string): string {
  fs.mkdirSync(root, { recursive: true });
  return fs.mkdtempSync(path.join(root, 'profile-'));
}

export function writeLock(lock: BrowserLock): void {
  fs.writeFileSync(`${lock.profileDir}${LOCK_SUFFIX}`, JSON.stringify(lock));
}

/** Removes a profile and its lock (after the browser closed). */
export function removeProfile(profileDir: string): void {
  fs.rmSync(profileDir, { recursive: true, force: true, maxRetries: 3 });
  fs.rmSync(`${profileDir}${LOCK_SUFFIX}`, { force: true });
}

/**
 * Stops browsers whose owner is gone and removes their profiles; also profiles without a lock
 * (the owner died between mkdtemp and launch). Browsers of a live owner (another worker sharing
 * DATA_DIR) are left alone. Returns the browser pids that were stopped.
 */
export function reapLeftoverBrowsers(root: string): { stopped: number[]; removed: string[] } {
  const stopped: number[] = [];
  const removed: string[] = [];
  if (!fs.existsSync(root)) return { stopped, removed };
  const entries = fs.readdirSync(root);
  const locked = new Set<string>();
  for (const name of entries.filter((e) => e.endsWith(LOCK_SUFFIX))) {
    let lock: BrowserLock;
    try {
      lock = JSON.parse(fs.readFileSync(path.join(root, name), 'utf8')) as BrowserLock;
    } catch {
      fs.rmSync(path.join(root, name), { force: true });
      continue;
    }
    const profileDir = path.join(root, name.slice(0, -LOCK_SUFFIX.length));
    // a live owner other than this process (pids restart in a fresh container: our own pid is not an owner)
    if (lock.ownerPid !== process.pid && alive(lock.ownerPid)) {
      locked.add(path.basename(profileDir));
      continue;
    }
    if (isBrowserOf(lock.browserPid, profileDir)) {
      killGroup(lock.browserPid);
      stopped.push(lock.browserPid);
    }
    removeProfile(profileDir);
    removed.push(profileDir);
  }
  for (const name of fs.readdirSync(root)) {
    if (!name.startsWith('profile-') || name.endsWith(LOCK_SUFFIX) || locked.has(name)) continue;
    if (fs.existsSync(path.join(root, `${name}${LOCK_SUFFIX}`))) continue;
    // unlocked and not ours yet (reaping runs before this renderer launches anything)
    fs.rmSync(path.join(root, name), { recursive: true, force: true, maxRetries: 3 });
    removed.push(path.join(root, name));
  }
  return { stopped, removed };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid is still that Chromium (pids are reused): its command line names the profile. */
function isBrowserOf(pid: number, profileDir: string): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`--user-data-dir=${profileDir}`);
  } catch {
    return false;
  }
}

/** SIGKILL the browser's whole process group (zygote, GPU, renderers), then wait until it is gone. */
function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      return;
    }
  }
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline && fs.existsSync(`/proc/${pid}`) && !isZombie(pid)) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
}

function isZombie(pid: number): boolean {
  try {
    return / Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\)/, ''));
  } catch {
    return true;
  }
}

/**
 * PGlite is single-process: two servers opening one data directory would corrupt it. A server holds an
 * exclusive lock for as long as its store is open: the file `<dir>.lock`, holding its owner's pid, host
 * name and start time. It is created atomically and complete (written aside, then hard-linked into
 * place, which fails if the file exists), so a reader never sees half an owner.
 *
 * Why not proper-lockfile (used before: a lock directory with a heartbeat, stale after 15 s): after
 * `kill -9` of a server, a restart was refused for 13-17 s, and the refusal could not say who held it. A lock
 * that records its owner is judged at once: on this host, an owner whose pid no longer runs (or runs
 * another program: the pid was reused, seen from its kernel start time on Linux; or it is our own pid
 * after a container restart) is stale and taken over immediately; a live owner is named in the refusal.
 * An owner on another host (a shared network directory) cannot be checked: it is refused, naming the
 * file to delete if that process is gone. A directory at that path is the lock of an older Kaizen
 * (proper-lockfile): held while its heartbeat is fresh, as that version expects.
 */
import { randomUUID } from 'node:crypto';
import { linkSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { KaizenError } from '@kaizen/domain';

interface LockOwner {
  pid: number;
  hostname: string;
  /** When the owner process started (ISO 8601). */
  startedAt: string;
  /** Linux: the process's start time in clock ticks since boot (/proc/<pid>/stat), which tells a reused pid. */
  procStart?: string;
}

type Found =
  | { kind: 'gone' }
  | { kind: 'owner'; owner: LockOwner; raw: string }
  | { kind: 'unreadable'; raw: string; ageMs: number }
  | { kind: 'legacy'; ageMs: number };

/** proper-lockfile refreshed its directory's mtime every 5 s and called it stale after 15 s. */
const LEGACY_STALE_MS = 15_000;
/** A file that is not an owner record (not written by this version, or damaged) is stale after this. */
const UNREADABLE_STALE_MS = 10_000;

/** Lock files held by this process: our own pid in a lock we do not hold is a previous life of that pid. */
const held = new Set<string>();

export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  const path = `${dir}.lock`;
  const procStart = procStat(process.pid)?.start;
  const owner: LockOwner = {
    pid: process.pid,
    hostname: hostname(),
    startedAt: new Date(Date.now() - process.uptime() * 1000).toISOString(),
    ...(procStart ? { procStart } : {}),
  };
  const raw = `${JSON.stringify(owner)}\n`;
  // A few rounds: each either takes the lock, refuses, or removes a stale lock and tries again.
  for (let attempt = 0; attempt < 5; attempt++) {
    if (create(path, raw)) {
      held.add(path);
      return async () => {
        held.delete(path);
        try {
          if (readFileSync(path, 'utf8') === raw) unlinkSync(path);
        } catch {
          // Already gone: nothing to release.
        }
      };
    }
    const found = read(path);
    if (found.kind === 'gone') continue;
    if (found.kind === 'legacy') {
      if (found.ageMs < LEGACY_STALE_MS) throw inUse(dir, path, 'by another Kaizen process (an older version, which records no process id)');
      removeStale(path, null);
    } else if (found.kind === 'unreadable') {
      if (found.ageMs < UNREADABLE_STALE_MS) throw inUse(dir, path, 'by another Kaizen process, which is starting');
      removeStale(path, found.raw);
    } else {
      const status = liveness(found.owner, path);
      if (status !== 'dead') throw inUse(dir, path, ownerText(found.owner, status), found.owner);
      removeStale(path, found.raw);
    }
  }
  throw inUse(dir, path, 'by other Kaizen processes starting at the same time');
}

/** Creates the lock file complete, or returns false if it exists. */
function create(path: string, raw: string): boolean {
  const aside = `${path}.${process.pid}.${randomUUID()}.tmp`;
  writeFileSync(aside, raw);
  try {
    linkSync(aside, path);
    return true;
  } catch (error) {
    if (code(error) === 'EEXIST') return false;
    // A file system without hard links: exclusive creation, with a moment where the file is empty.
    try {
      writeFileSync(path, raw, { flag: 'wx' });
      return true;
    } catch (fallback) {
      if (code(fallback) === 'EEXIST') return false;
      throw fallback;
    }
  } finally {
    rmSync(aside, { force: true });
  }
}

function read(path: string): Found {
  let raw: string;
  let ageMs: number;
  try {
    const stat = statSync(path);
    ageMs = Date.now() - stat.mtimeMs;
    if (stat.isDirectory()) return { kind: 'legacy', ageMs };
    raw = readFileSync(path, 'utf8');
  } catch (error) {
    if (code(error) === 'ENOENT') return { kind: 'gone' };
    throw error;
  }
  try {
    const owner = JSON.parse(raw) as LockOwner;
    if (Number.isInteger(owner.pid) && owner.pid > 0 && typeof owner.hostname === 'string') return { kind: 'owner', owner, raw };
  } catch {
    // not an owner record
  }
  return { kind: 'unreadable', raw, ageMs };
}

/**
 * Removes a stale lock without ever removing a fresh one: the lock is first renamed aside (atomic, so
 * of several processes taking over at once exactly one moves it); if what was moved is not the stale
 * lock that was judged (another process took over meanwhile), it is put back where it was.
 */
function removeStale(path: string, judged: string | null): void {
  const aside = `${path}.${process.pid}.${randomUUID()}.stale`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if (code(error) === 'ENOENT') return;
    throw error;
  }
  if (judged !== null) {
    let moved: string | undefined;
    try {
      moved = readFileSync(aside, 'utf8');
    } catch {
      moved = undefined;
    }
    if (moved !== judged) {
      try {
        linkSync(aside, path);
      } catch {
        // Yet another process holds the path now: it keeps it.
      }
    }
  }
  rmSync(aside, { recursive: true, force: true });
}

function liveness(owner: LockOwner, path: string): 'alive' | 'dead' | 'elsewhere' {
  if (owner.hostname !== hostname()) return 'elsewhere';
  if (owner.pid === process.pid) return held.has(path) ? 'alive' : 'dead';
  try {
    process.kill(owner.pid, 0); // signal 0: only asks whether the process exists
  } catch (error) {
    if (code(error) === 'ESRCH') return 'dead';
    // EPERM: it exists, as another user.
  }
  const stat = procStat(owner.pid);
  // A killed process stays a zombie until its parent reaps it; it holds nothing any more.
  if (stat && (stat.state === 'Z' || stat.state === 'X')) return 'dead';
  if (stat && owner.procStart && stat.start !== owner.procStart) return 'dead';
  return 'alive';
}

/** State and start time (clock ticks since boot) of a process, from /proc on Linux; undefined elsewhere. */
function procStat(pid: number): { state: string; start: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ")".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const [state, start] = [fields[0], fields[19]]; // fields 3 and 22 of proc(5)
    return state && start ? { state, start } : undefined;
  } catch {
    return undefined;
  }
}

function ownerText(owner: LockOwner, status: 'alive' | 'elsewhere'): string {
  const started = owner.startedAt ? `started ${owner.startedAt}` : 'start time unknown';
  if (status === 'elsewhere') return `by Kaizen process ${owner.pid} on host ${owner.hostname} (${started})`;
  return `by Kaizen process ${owner.pid} (${owner.pid === process.pid ? 'this process, ' : ''}${started})`;
}

function inUse(dir: string, path: string, who: string, owner?: LockOwner): KaizenError {
  const elsewhere = owner && owner.hostname !== hostname();
  return new KaizenError(
    'CONFLICT',
    `The embedded database at ${dir} is in use ${who}. Stop that process, give this one another KAIZEN_DATA_DIR, ` +
      'or share one database between clients through kaizen-http or a PostgreSQL server (KAIZEN_DATABASE_URL).' +
      (elsewhere ? ` If that process is gone, delete ${path}.` : ''),
    { dir, lockFile: path, ...(owner ? { pid: owner.pid, hostname: owner.hostname, startedAt: owner.startedAt } : {}) },
  );
}

const code = (error: unknown) => (error as NodeJS.ErrnoException | null)?.code;

/**
 * Child processes of a bench run: the real `clientele serve`, the bare Fastify ceiling and
 * helpers. Every child is tracked and killed when the run ends, however it ends.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

const live = new Set();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Interrupted runs still stop what they started: `onInterrupt` runs first (e.g. stopping PostgreSQL). */
let onInterrupt = async () => undefined;
export function setInterruptHandler(fn) {
  onInterrupt = fn;
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the bench's processes`);
    const deadline = setTimeout(() => process.exit(130), 15_000);
    Promise.resolve()
      .then(() => onInterrupt())
      .catch(() => undefined)
      .finally(() => {
        clearTimeout(deadline);
        process.exit(130);
      });
  });
}

/** Settings the server reads; the parent's values never leak into it. */
function cleanEnv(extra) {
  const env = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (['DATABASE_URL', 'PORT', 'HOST', 'LOG_LEVEL', 'PG_POOL_MAX', 'REQUEST_TIMEOUT_MS'].includes(name)) continue;
    if (name.startsWith('CLIENTELE_') || name.startsWith('PG') || name === 'NODE_OPTIONS') continue;
    env[name] = value;
  }
  return { ...env, ...extra };
}

export function track(command, args, options = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  live.add(child);
  child.once('exit', () => live.delete(child));
  child.once('error', () => live.delete(child));
  return child;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Resolves with the first match of `pattern` in the child's stdout or stderr (clientele prints
 * its human-facing lines on stderr); rejects if it exits first.
 */
function waitForLine(child, pattern, what, timeoutMs = 60_000) {
  let stdout = '';
  let stderr = '';
  let found = false;
  return new Promise((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (s) => {
      stderr = (stderr + s).slice(-4000);
      const match = !found && pattern.exec(stderr);
      if (match) done(match);
    });
    const done = (match) => {
      found = true;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      resolve(match[1]);
    };
    const fail = (why) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${what} ${why}; stderr: ${stderr.trim() || '(empty)'}`));
    };
    const timer = setTimeout(() => fail(`did not start within ${timeoutMs} ms`), timeoutMs);
    child.once('exit', (code, signal) => fail(`exited (${code ?? signal}) before listening`));
    child.stdout.setEncoding('utf8').on('data', (s) => {
      stdout += s;
      const match = !found && pattern.exec(stdout);
      if (match) done(match);
    });
  });
}

/** SIGTERM (so a --cpu-prof profile gets written), then SIGKILL after graceMs. */
export async function stop(child, graceMs = 10_000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await gone;
  clearTimeout(timer);
}

/**
 * Starts the real server: `clientele serve` on a free port, no bootstrap account, warn-level
 * logs. `nodeFlags` (e.g. --cpu-prof) go to node itself; `cli` is another build's (--compare).
 */
export async function startClientele({ databaseUrl, env = {}, nodeFlags = [], cli = CLI, cwd = ROOT }) {
  const port = await freePort();
  const child = track(process.execPath, [...nodeFlags, cli, 'serve', '--port', String(port), '--host', '127.0.0.1'], {
    cwd,
    // The limiter runs (its cost is measured) but never refuses: the bench drives one key far past 1 000/s.
    env: cleanEnv({
      DATABASE_URL: databaseUrl,
      CLIENTELE_BOOTSTRAP: 'false',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_LIVE: '1000000',
      RATE_LIMIT_TEST: '1000000',
      RATE_LIMIT_SEARCH: '1000000',
      SHUTDOWN_DRAIN_MS: '0',
      ...env,
    }),
  });
  const url = await waitForLine(child, /Clientele listening on (http:\/\/\S+)/, 'clientele serve');
  return { url, child };
}

export async function startBareFastify(responseFile) {
  const script = fileURLToPath(new URL('../bare-fastify.mjs', import.meta.url));
  const port = await freePort();
  const child = track(process.execPath, [script, responseFile, String(port)], { cwd: ROOT, env: cleanEnv({}) });
  const url = await waitForLine(child, /listening on (http:\/\/\S+)/, 'bare-fastify');
  return { url, child };
}

/** The plain Fastify + better-sqlite3 reference server on the run's SQLite file (plain-sqlite.mjs). */
export async function startPlainSqlite(databaseFile, accountId) {
  const script = fileURLToPath(new URL('../plain-sqlite.mjs', import.meta.url));
  const port = await freePort();
  const child = track(process.execPath, [script, databaseFile, accountId, String(port)], { cwd: ROOT, env: cleanEnv({}) });
  const url = await waitForLine(child, /listening on (http:\/\/\S+)/, 'plain-sqlite');
  return { url, child };
}

/** Runs a node script to completion and returns its stdout (throws on a non-zero exit). */
export function runNode(args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = track(process.execPath, args, { cwd: ROOT, ...options });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s) => (stderr += s));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`node ${args.join(' ')} exited ${code}: ${stderr.trim()}`));
    });
  });
}

/** Resident set size of a process in MiB, from /proc (null where there is no /proc). */
export function rssMiB(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** CPU time (user + system) a process has used, in seconds, from /proc (null without it). */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return null;
  }
}

/**
 * Bytes written to the machine's physical block devices so far (null without /proc): the sum of
 * sectors written in /proc/diskstats over the devices in /sys/block that have a `device` (so
 * partitions, loop, device-mapper and md devices are not counted twice). Machine-wide: it
 * counts every process's writes, and a write reaches it when the kernel sends it to the disk,
 * not when a process dirties a page.
 */
export function diskBytesWritten() {
  try {
    const physical = new Set(readdirSync('/sys/block').filter((name) => existsSync(`/sys/block/${name}/device`)));
    let sectors = 0;
    for (const line of readFileSync('/proc/diskstats', 'utf8').split('\n')) {
      const fields = line.trim().split(/\s+/);
      if (fields.length > 9 && physical.has(fields[2])) sectors += Number(fields[9]);
    }
    return sectors * 512; // diskstats sectors are 512 bytes whatever the device's own size
  } catch {
    return null;
  }
}

/** Samples a process's RSS every intervalMs until stopped; returns the maximum seen. */
export function sampleRss(pid, intervalMs = 200) {
  let max = rssMiB(pid);
  const timer = setInterval(() => {
    const now = rssMiB(pid);
    if (now !== null && (max === null || now > max)) max = now;
  }, intervalMs);
  return () => {
    clearInterval(timer);
    const now = rssMiB(pid);
    if (now !== null && (max === null || now > max)) max = now;
    return max;
  };
}

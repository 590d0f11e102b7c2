import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP server that answers every webhook delivery 200 and tells when each of the
 * given paths has received one, so the suite can stop the delivery worker as soon as every
 * scope has a recorded attempt (no polling, no sleeps).
 */
export class HookReceiver {
  private readonly seen = new Set<string>();
  private readonly waiters: Array<{ paths: string[]; resolve: () => void }> = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<HookReceiver> {
    const server = createServer();
    const receiver = new HookReceiver(server);
    server.on('request', (req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        receiver.saw(req.url ?? '');
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return receiver;
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  private saw(path: string): void {
    this.seen.add(path);
    for (const w of [...this.waiters]) {
      if (w.paths.every((p) => this.seen.has(p))) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  }

  /** Resolves once every path has received a request; fails after timeoutMs. */
  received(paths: string[], timeoutMs = 20_000): Promise<void> {
    if (paths.every((p) => this.seen.has(p))) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no webhook delivery to ${paths.filter((p) => !this.seen.has(p)).join(', ')} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ paths, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

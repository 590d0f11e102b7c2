/**
 * The HTTP ceiling: a bare Fastify server that answers GET /v1/customers/:id with the very
 * bytes (and headers) a real retrieve answered, and does nothing else — no auth, no database,
 * no serialisation. Whatever the whole stack costs beyond this is Clientele's own.
 *
 *   node bench/bare-fastify.mjs RESPONSE.json [PORT]
 *
 * RESPONSE.json: {"body": "<exact response text>", "headers": {"content-type": …, …}}.
 * Prints `listening on http://127.0.0.1:PORT` once it accepts connections.
 */
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const file = process.argv[2];
if (!file) {
  console.error('usage: node bench/bare-fastify.mjs RESPONSE.json [PORT]');
  process.exit(2);
}
const recorded = JSON.parse(readFileSync(file, 'utf8'));
const body = Buffer.from(recorded.body, 'utf8');
const headers = recorded.headers ?? { 'content-type': 'application/json; charset=utf-8' };

const app = Fastify({ logger: false });
app.get('/v1/customers/:id', (_request, reply) => {
  reply.headers(headers).send(body);
});

await app.listen({ host: '127.0.0.1', port: Number(process.argv[3] ?? '0') });
const address = app.server.address();
console.log(`listening on http://127.0.0.1:${address.port}`);

const stop = () => app.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

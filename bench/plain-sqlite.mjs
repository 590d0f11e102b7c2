/**
 * A reference point, not a ceiling: the smallest server that answers the retrieve from the same
 * SQLite file — Fastify without logging, one prepared better-sqlite3 statement reading the
 * stored representation by (account, mode, id), its bytes sent as they are. It has no
 * authentication, request ids, parameter checks or logging. It shows what a retrieve with a
 * real index lookup costs on this machine and dataset before any of Clientele's own work.
 *
 *   node bench/plain-sqlite.mjs DATABASE_FILE ACCOUNT_ID [PORT]
 *
 * Prints `listening on http://127.0.0.1:PORT` once it accepts connections.
 */
import BetterSqlite3 from 'better-sqlite3';
import Fastify from 'fastify';

const [file, accountId, port = '0'] = process.argv.slice(2);
if (!file || !accountId) {
  console.error('usage: node bench/plain-sqlite.mjs DATABASE_FILE ACCOUNT_ID [PORT]');
  process.exit(2);
}
const db = new BetterSqlite3(file);
db.pragma('busy_timeout = 5000');
db.pragma('query_only = ON');
const read = db.prepare('SELECT id, version, body FROM customers WHERE account_id = ? AND livemode = 0 AND id = ?');
const NOT_FOUND = JSON.stringify({ error: { type: 'invalid_request_error', code: 'resource_missing', message: 'No such customer' } });

const app = Fastify({ logger: false });
app.get('/v1/customers/:id', (request, reply) => {
  const row = read.get(accountId, request.params.id);
  reply.type('application/json; charset=utf-8');
  if (!row?.body) return reply.code(404).send(NOT_FOUND);
  reply.header('etag', `"${row.id}.v${row.version}"`).send(row.body);
});

await app.listen({ host: '127.0.0.1', port: Number(port) });
console.log(`listening on http://127.0.0.1:${app.server.address().port}`);

const stop = () => app.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

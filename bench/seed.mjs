/**
 * Seeds a Clientele database with `size` generated customers and their payment history
 * (bench/dataset.mjs), fast:
 * the schema comes from the project's own migrations (dist/store), the account and its keys
 * from the real CLI, and the customers go straight into the tables in large batches with the
 * secondary indexes dropped during the load and recreated from their own definitions after.
 *
 *   node bench/seed.mjs --database sqlite:/tmp/bench.db --size 100000
 *
 * Rows are written exactly as the repositories in src/store/kysely/ write them: flags as 0/1,
 * JSON as text (SQLite) or jsonb (PostgreSQL), `seq` left to the database, one customer_metadata
 * row per metadata key, and a tree-path row per charge (invoice) and customer on the path from
 * its tree's root to its own customer. The stats are then derived from the loaded rows in one
 * statement, as the counters every write keeps would have summed them.
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { activityAt, addressesAt, ancestorIndexesOf, contactsAt, customerAt, customerIdAt, DATASET_VERSION, DEFAULT_SEED, treeOf } from './dataset.mjs';

const DIST = new URL('../dist/', import.meta.url);
export const CLI = fileURLToPath(new URL('cli/main.js', DIST));

/** Customer columns in insert order; `seq` is generated. */
const COLUMNS = [
  'account_id', 'livemode', 'id', 'created', 'updated', 'deleted', 'version', 'external_id', 'email', 'email_key',
  'name', 'business_name', 'individual_name', 'first_name', 'last_name', 'phone', 'phone_e164', 'description',
  'notes', 'address', 'shipping', 'balance', 'currency', 'invoice_prefix', 'invoice_settings',
  'next_invoice_sequence', 'preferred_locales', 'tax_exempt', 'metadata', 'parent_id', 'created_by', 'updated_by',
  'body', 'delinquent_after', 'email_match', 'name_address_key',
];
/** PostgreSQL types for the unnest() bulk insert (jsonb travels as text and is cast). */
const PG_TYPES = {
  livemode: 'smallint', created: 'bigint', updated: 'bigint', deleted: 'smallint', version: 'integer',
  balance: 'bigint', next_invoice_sequence: 'bigint', delinquent_after: 'bigint',
  address: 'jsonb', shipping: 'jsonb', invoice_settings: 'jsonb', preferred_locales: 'jsonb', metadata: 'jsonb',
  amount: 'bigint', amount_refunded: 'bigint', occurred_at: 'bigint', due_date: 'bigint', total: 'bigint', amount_paid: 'bigint',
  paid_out_of_band: 'smallint', finalized_at: 'bigint', paid_at: 'bigint', voided_at: 'bigint', marked_uncollectible_at: 'bigint',
  billing_details: 'jsonb', lines: 'jsonb', customer_address: 'jsonb', seq: 'bigint',
};

/** The payment-history tables in insert order, their columns as the repositories write them. */
const CHARGE_COLUMNS = [
  'account_id', 'livemode', 'id', 'created', 'updated', 'version', 'customer_id', 'amount', 'currency', 'payment_method_id',
  'status', 'amount_refunded', 'description', 'receipt_email', 'billing_details', 'failure_code', 'failure_message',
  'statement_descriptor', 'metadata', 'provider_name', 'provider_reference', 'occurred_at', 'invoice_id',
];
const REFUND_COLUMNS = ['account_id', 'livemode', 'id', 'created', 'updated', 'version', 'charge_id', 'customer_id', 'amount', 'currency', 'reason', 'metadata'];
const INVOICE_COLUMNS = [
  'account_id', 'livemode', 'id', 'created', 'updated', 'version', 'customer_id', 'currency', 'status', 'number', 'description',
  'due_date', 'lines', 'total', 'amount_paid', 'charge_id', 'paid_out_of_band', 'customer_email', 'customer_name',
  'customer_address', 'finalized_at', 'paid_at', 'voided_at', 'marked_uncollectible_at', 'metadata',
];
const PATH_COLUMNS = ['account_id', 'livemode', 'customer_id', 'created', 'seq', 'object_id', 'status'];
const HISTORY_TABLES = ['charges', 'charge_paths', 'refunds', 'invoices', 'invoice_paths'];

function chargeRow(ch, accountId) {
  return [
    accountId, 0, ch.id, ch.created, ch.updated, ch.version, ch.customer_id, ch.amount, ch.currency, ch.payment_method_id,
    ch.status, ch.amount_refunded, ch.description, ch.receipt_email, toJson(ch.billing_details), ch.failure_code, ch.failure_message,
    ch.statement_descriptor, toJson(ch.metadata), ch.provider?.name ?? null, ch.provider?.reference ?? null, ch.occurred_at, ch.invoice_id,
  ];
}

function refundRow(r, accountId) {
  return [accountId, 0, r.id, r.created, r.updated, r.version, r.charge_id, r.customer_id, r.amount, r.currency, r.reason, toJson(r.metadata)];
}

function invoiceRow(i, accountId) {
  return [
    accountId, 0, i.id, i.created, i.updated, i.version, i.customer_id, i.currency, i.status, i.number, i.description,
    i.due_date, toJson(i.lines), i.total, i.amount_paid, i.charge_id, i.paid_out_of_band ? 1 : 0, i.customer_email, i.customer_name,
    toJson(i.customer_address), i.finalized_at, i.paid_at, i.voided_at, i.marked_uncollectible_at, toJson(i.metadata),
  ];
}

/** Customer `index`'s own id and its ancestors' ids: whose tree paths its objects are on. */
function pathOf(index, size, seed) {
  return [index, ...ancestorIndexesOf(index, size)].map((i) => customerIdAt(i, seed));
}

/**
 * The stats as every charge, refund and invoice write would have kept them, summed from the
 * loaded rows: each customer's own figures by currency, and its tree's from the tree paths,
 * rendered into its row's `stats` column as the API sends them (migration 0023: currencies in
 * code order, zero amounts left out), in one UPDATE … FROM on both databases.
 */
const amounts = (column) => `COALESCE(string_agg('"' || currency || '":' || ${column}, ',' ORDER BY currency) FILTER (WHERE ${column} <> 0), '')`;
const figures = (prefix) =>
  `'{"invoice_count":' || SUM(${prefix}ic) || ',"charge_count":' || SUM(${prefix}cc) || ',"total_spent":{' || ${amounts(`${prefix}ts`)}` +
  ` || '},"open_invoice_amount":{' || ${amounts(`${prefix}oa`)} || '}'`;
const DERIVE_STATS = `UPDATE customers SET stats = rendered.stats FROM (
  SELECT account_id, livemode, customer_id, ${figures('')} || ',"tree":' || ${figures('t')} || '}}' AS stats FROM (
    SELECT account_id, livemode, customer_id, currency, SUM(cc) AS cc, SUM(ic) AS ic, SUM(ts) AS ts, SUM(oa) AS oa,
        SUM(tcc) AS tcc, SUM(tic) AS tic, SUM(tts) AS tts, SUM(toa) AS toa FROM (
      SELECT c.account_id, c.livemode, c.customer_id, c.currency, 1 AS cc, 0 AS ic,
          CASE WHEN c.status = 'succeeded' THEN c.amount - c.amount_refunded ELSE 0 END AS ts, 0 AS oa, 0 AS tcc, 0 AS tic, 0 AS tts, 0 AS toa
        FROM charges c
      UNION ALL
      SELECT i.account_id, i.livemode, i.customer_id, i.currency, 0, 1, 0,
          CASE WHEN i.status = 'open' THEN i.total - i.amount_paid ELSE 0 END, 0, 0, 0, 0
        FROM invoices i
      UNION ALL
      SELECT p.account_id, p.livemode, p.customer_id, c.currency, 0, 0, 0, 0, 1, 0,
          CASE WHEN c.status = 'succeeded' THEN c.amount - c.amount_refunded ELSE 0 END, 0
        FROM charge_paths p JOIN charges c ON c.account_id = p.account_id AND c.id = p.object_id
      UNION ALL
      SELECT p.account_id, p.livemode, p.customer_id, i.currency, 0, 0, 0, 0, 0, 1, 0,
          CASE WHEN i.status = 'open' THEN i.total - i.amount_paid ELSE 0 END
        FROM invoice_paths p JOIN invoices i ON i.account_id = p.account_id AND i.id = p.object_id
    ) figures
    GROUP BY account_id, livemode, customer_id, currency
  ) per_currency
  GROUP BY account_id, livemode, customer_id
) AS rendered
WHERE customers.account_id = rendered.account_id AND customers.livemode = rendered.livemode AND customers.id = rendered.customer_id`;
const toJson = (value) => (value === null || value === undefined ? null : JSON.stringify(value));

/**
 * What a customer owns (SPEC K-1), in insert order per table: its contacts and its address
 * book, written as contacts-repository.ts and addresses-repository.ts write them (the postal
 * code folded by the project's own postalCodeKey).
 */
const { postalCodeKey } = await import(new URL('domain/addresses/address-book.js', DIST).href);
const OWNED = {
  contacts: {
    columns: ['account_id', 'livemode', 'id', 'created', 'updated', 'version', 'customer_id', 'name', 'email', 'email_key', 'phone', 'phone_e164', 'roles', 'receives_invoices', 'notes', 'metadata', 'email_match'],
    types: { livemode: 'smallint', created: 'bigint', updated: 'bigint', version: 'integer', receives_invoices: 'smallint', roles: 'jsonb', metadata: 'jsonb' },
    rowsOf: (c, accountId, seed) =>
      contactsAt(c.index, c, seed).map((k) => [
        accountId, 0, k.id, k.created, k.updated, k.version, c.id, k.name, k.email, k.email_key, k.phone, k.phone_e164,
        toJson(k.roles), k.receives_invoices ? 1 : 0, k.notes, toJson(k.metadata), emailMatchKey(k.email),
      ]),
  },
  addresses: {
    columns: ['account_id', 'livemode', 'id', 'created', 'updated', 'version', 'customer_id', 'label', 'name', 'phone', 'address', 'postal_code_key', 'default_billing', 'default_shipping', 'metadata'],
    types: { livemode: 'smallint', created: 'bigint', updated: 'bigint', version: 'integer', default_billing: 'smallint', default_shipping: 'smallint', address: 'jsonb', metadata: 'jsonb' },
    rowsOf: (c, accountId, seed) =>
      addressesAt(c.index, c, seed).map((a) => [
        accountId, 0, a.id, a.created, a.updated, a.version, c.id, a.label, a.name, a.phone, toJson(a.address),
        postalCodeKey(a.address.postal_code), a.default_billing ? 1 : 0, a.default_shipping ? 1 : 0, toJson(a.metadata),
      ]),
  },
};
const OWNED_TABLES = Object.keys(OWNED);
const BULK_TABLES = ['customers', 'customer_metadata', ...HISTORY_TABLES, ...OWNED_TABLES];

/**
 * The stored representation, rendered by the project's own code from the record the
 * repository would have been given.
 */
const { customerBody } = await import(new URL('domain/customers/customer-mapper.js', DIST).href);
const { emailMatchKey, nameAddressKey } = await import(new URL('domain/duplicates/match-keys.js', DIST).href);
function bodyOf(c, keyId) {
  return customerBody({ ...c, livemode: false, deleted: false, phone_e164: c.phone, created_by: keyId, updated_by: keyId });
}

/** One customer as a row of COLUMNS, as the repository's insert would write it. */
function customerRow(c, accountId, keyId) {
  return [
    accountId, 0, c.id, c.created, c.updated, 0, c.version, c.external_id, c.email, c.email_key,
    c.name, c.business_name, c.individual_name, c.first_name, c.last_name, c.phone,
    // Generated phones are valid E.164 numbers (bench/dataset.mjs), which is what the service stores.
    c.phone, c.description, c.notes, toJson(c.address), toJson(c.shipping), c.balance, c.currency,
    c.invoice_prefix, toJson(c.invoice_settings), c.next_invoice_sequence, toJson(c.preferred_locales),
    c.tax_exempt, toJson(c.metadata), c.parent_id, keyId, keyId, bodyOf(c, keyId), c.delinquent_after,
    // The duplicate signals (migration 0020), folded by the project's own code.
    emailMatchKey(c.email), nameAddressKey(c.name, c.address),
  ];
}

function runCli(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s) => (stderr += s));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`clientele ${args.join(' ')} exited ${code}: ${stderr.trim()}`));
    });
  });
}

/** Applies the migrations with the project's own store code. */
async function migrate(databaseUrl) {
  const { parseDatabaseUrl } = await import(new URL('config.js', DIST).href);
  const { openStore } = await import(new URL('store/open-store.js', DIST).href);
  const store = await openStore({ database: parseDatabaseUrl(databaseUrl), pgPoolMax: 1, sqliteSynchronous: 'FULL' });
  try {
    await store.migrate();
  } finally {
    await store.close();
  }
}

async function createAccount(databaseUrl) {
  const out = await runCli(['accounts', 'create', '--name', 'Bench', '--json'], { DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' });
  const account = JSON.parse(out.trim().split('\n').pop());
  return { accountId: account.id, testKey: account.keys.test };
}

function progress(log, done, size, started) {
  // Customers with their payment history (about 3 charges and an invoice each).
  const s = (performance.now() - started) / 1000;
  log(`  seeded ${done.toLocaleString('en')} / ${size.toLocaleString('en')} customers (${Math.round(done / s).toLocaleString('en')}/s)`);
}

/**
 * Triggers on the customer tables keep derived data (the full-text search index) in step row
 * by row; during a bulk load they are dropped and the derived tables rebuilt in one pass
 * afterwards, as the migration that created them does. A trigger that writes anywhere else
 * is refused: this seeder would not know how to reproduce its effect.
 */
function triggersToSuspend(db) {
  const triggers = db
    .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN (${BULK_TABLES.map((t) => `'${t}'`).join(', ')})`)
    .all();
  const searchTables = db
    .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%USING fts5%'")
    .all()
    .filter((t) => /content\s*=\s*'[^']+'/i.test(t.sql))
    .map((t) => t.name);
  for (const trigger of triggers) {
    const body = trigger.sql.replace(/^[\s\S]*?\bBEGIN\b/i, '');
    const writes = [...body.matchAll(/\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)"?/gi)].map((m) => m[1]);
    const unknown = writes.filter((table) => !searchTables.includes(table));
    if (unknown.length) {
      throw new Error(`trigger ${trigger.name} writes to ${unknown.join(', ')}; teach bench/seed.mjs to bulk-load that table`);
    }
  }
  return { triggers, searchTables: searchTables.filter((t) => triggers.some((tr) => tr.sql.includes(t))) };
}

async function seedSqlite(path, size, seed, account, log) {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(path);
  try {
    const keyId = db.prepare('SELECT id FROM api_keys WHERE account_id = ? AND livemode = 0').get(account.accountId).id;
    // A bulk load into a file nobody else uses yet: the rollback journal in memory instead of
    // the WAL (which would write every page twice), no syncs, a cache that holds the whole
    // working set, and worker threads for the index sorts. (journal_mode=OFF is refused in
    // better-sqlite3's defensive mode.)
    if (db.pragma('journal_mode = MEMORY', { simple: true }) !== 'memory') throw new Error('SQLite refused journal_mode=MEMORY for the bulk load');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -4194304');
    db.pragma('temp_store = MEMORY');
    db.pragma('threads = 2');
    // The one account the rows reference exists: skip the per-row foreign-key lookup.
    db.pragma('foreign_keys = OFF');
    const tables = BULK_TABLES.map((t) => `'${t}'`).join(', ');
    const indexes = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${tables})`).all();
    for (const { name } of indexes) db.exec(`DROP INDEX "${name}"`);
    const { triggers, searchTables } = triggersToSuspend(db);
    for (const { name } of triggers) db.exec(`DROP TRIGGER "${name}"`);

    const insertCustomer = db.prepare(`INSERT INTO customers (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`);
    const insertMeta = db.prepare('INSERT INTO customer_metadata (account_id, livemode, customer_id, key, value) VALUES (?, 0, ?, ?, ?)');
    const insertInto = (table, columns) => db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
    const insertCharge = insertInto('charges', CHARGE_COLUMNS);
    const insertRefund = insertInto('refunds', REFUND_COLUMNS);
    const insertInvoice = insertInto('invoices', INVOICE_COLUMNS);
    const insertChargePath = insertInto('charge_paths', PATH_COLUMNS);
    const insertInvoicePath = insertInto('invoice_paths', PATH_COLUMNS);
    const insertOwned = Object.fromEntries(
      OWNED_TABLES.map((table) => {
        const { columns } = OWNED[table];
        return [table, db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`)];
      }),
    );
    const batch = db.transaction((from, to) => {
      for (let i = from; i < to; i++) {
        const c = customerAt(i, size, seed);
        insertCustomer.run(customerRow(c, account.accountId, keyId));
        for (const [key, value] of Object.entries(c.metadata)) insertMeta.run(account.accountId, c.id, key, value);
        const { charges, refunds, invoice } = activityAt(c, size, seed);
        const path = pathOf(i, size, seed);
        for (const ch of charges) {
          // seq is the rowid: what the insert returns.
          const seq = insertCharge.run(chargeRow(ch, account.accountId)).lastInsertRowid;
          for (const customerId of path) insertChargePath.run(account.accountId, 0, customerId, ch.created, seq, ch.id, ch.status);
        }
        for (const r of refunds) insertRefund.run(refundRow(r, account.accountId));
        const seq = insertInvoice.run(invoiceRow(invoice, account.accountId)).lastInsertRowid;
        for (const customerId of path) insertInvoicePath.run(account.accountId, 0, customerId, invoice.created, seq, invoice.id, invoice.status);
        for (const table of OWNED_TABLES) for (const row of OWNED[table].rowsOf(c, account.accountId, seed)) insertOwned[table].run(row);
      }
    });
    const started = performance.now();
    const step = 20_000;
    for (let from = 0; from < size; from += step) {
      batch(from, Math.min(size, from + step));
      if ((from / step) % 10 === 9) progress(log, from + step, size, started);
    }
    const timed = (what, fn) => {
      const phase = performance.now();
      fn();
      log(`  ${what} in ${((performance.now() - phase) / 1000).toFixed(1)} s`);
    };
    timed('derived the stats', () => db.exec(DERIVE_STATS));
    timed(`rebuilt ${indexes.length} indexes`, () => {
      for (const { sql } of indexes) db.exec(sql);
    });
    for (const { sql } of triggers) db.exec(sql);
    for (const table of searchTables) {
      timed(`rebuilt the search index ${table}`, () => db.exec(`INSERT INTO "${table}" ("${table}") VALUES ('rebuild')`));
    }
    db.pragma('journal_mode = WAL');
    return keyId;
  } finally {
    db.close();
  }
}

async function seedPostgres(url, size, seed, account, log) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const keyId = (await client.query('SELECT id FROM api_keys WHERE account_id = $1 AND livemode = 0', [account.accountId])).rows[0].id;
    await client.query('SET synchronous_commit = off');
    const { rows: indexes } = await client.query(
      `SELECT indexname, indexdef FROM pg_indexes i
        WHERE schemaname = current_schema() AND tablename = ANY($1::text[])
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
      [BULK_TABLES],
    );
    for (const { indexname } of indexes) await client.query(`DROP INDEX "${indexname}"`);

    const typeOf = (column) => PG_TYPES[column] ?? 'text';
    const arrayType = (column) => (typeOf(column) === 'jsonb' ? 'text' : typeOf(column));
    const insertCustomers = `INSERT INTO customers (${COLUMNS.join(', ')})
      SELECT ${COLUMNS.map((c) => (typeOf(c) === 'jsonb' ? `${c}::jsonb` : c)).join(', ')}
        FROM unnest(${COLUMNS.map((c, k) => `$${k + 1}::${arrayType(c)}[]`).join(', ')}) AS t(${COLUMNS.join(', ')})`;
    const insertMeta = `INSERT INTO customer_metadata (account_id, livemode, customer_id, key, value)
      SELECT $1, 0, customer_id, key, value FROM unnest($2::text[], $3::text[], $4::text[]) AS t(customer_id, key, value)`;
    const unnestInsert = (table, columns, returning = '') => `INSERT INTO ${table} (${columns.join(', ')})
      SELECT ${columns.map((c) => (typeOf(c) === 'jsonb' ? `${c}::jsonb` : c)).join(', ')}
        FROM unnest(${columns.map((c, k) => `$${k + 1}::${arrayType(c)}[]`).join(', ')}) AS t(${columns.join(', ')}) ${returning}`;
    const insertCharges = unnestInsert('charges', CHARGE_COLUMNS, 'RETURNING id, seq');
    const insertRefunds = unnestInsert('refunds', REFUND_COLUMNS);
    const insertInvoices = unnestInsert('invoices', INVOICE_COLUMNS, 'RETURNING id, seq');
    const insertChargePaths = unnestInsert('charge_paths', PATH_COLUMNS);
    const insertInvoicePaths = unnestInsert('invoice_paths', PATH_COLUMNS);
    const transpose = (rows, width) => {
      const out = Array.from({ length: width }, () => []);
      for (const row of rows) for (let k = 0; k < width; k++) out[k].push(row[k]);
      return out;
    };
    /** Inserts the objects, then a tree-path row per object and customer on its path (`paths` by object id). */
    const insertWithPaths = async (insert, insertPaths, rows, objects, paths) => {
      if (rows.length === 0) return;
      const { rows: inserted } = await client.query(insert, transpose(rows, rows[0].length));
      const seqOf = new Map(inserted.map((r) => [r.id, r.seq]));
      const pathRows = objects.flatMap((o) => paths.get(o.id).map((customerId) => [account.accountId, 0, customerId, o.created, seqOf.get(o.id), o.id, o.status]));
      await client.query(insertPaths, transpose(pathRows, PATH_COLUMNS.length));
    };
    const insertOwned = Object.fromEntries(
      OWNED_TABLES.map((table) => {
        const { columns, types } = OWNED[table];
        const type = (column) => types[column] ?? 'text';
        return [
          table,
          `INSERT INTO ${table} (${columns.join(', ')})
            SELECT ${columns.map((c) => (type(c) === 'jsonb' ? `${c}::jsonb` : c)).join(', ')}
              FROM unnest(${columns.map((c, k) => `$${k + 1}::${type(c) === 'jsonb' ? 'text' : type(c)}[]`).join(', ')}) AS t(${columns.join(', ')})`,
        ];
      }),
    );

    const started = performance.now();
    const step = 5_000;
    for (let from = 0; from < size; from += step) {
      const to = Math.min(size, from + step);
      const columns = COLUMNS.map(() => []);
      const meta = [[], [], []];
      const history = { charges: [], chargeRows: [], refundRows: [], invoices: [], invoiceRows: [], paths: new Map() };
      const owned = Object.fromEntries(OWNED_TABLES.map((table) => [table, OWNED[table].columns.map(() => [])]));
      for (let i = from; i < to; i++) {
        const c = customerAt(i, size, seed);
        const row = customerRow(c, account.accountId, keyId);
        for (let k = 0; k < row.length; k++) columns[k].push(row[k]);
        for (const [key, value] of Object.entries(c.metadata)) {
          meta[0].push(c.id);
          meta[1].push(key);
          meta[2].push(value);
        }
        const { charges, refunds, invoice } = activityAt(c, size, seed);
        const path = pathOf(i, size, seed);
        for (const ch of charges) {
          history.charges.push(ch);
          history.chargeRows.push(chargeRow(ch, account.accountId));
          history.paths.set(ch.id, path);
        }
        for (const r of refunds) history.refundRows.push(refundRow(r, account.accountId));
        history.invoices.push(invoice);
        history.invoiceRows.push(invoiceRow(invoice, account.accountId));
        history.paths.set(invoice.id, path);
        for (const table of OWNED_TABLES) {
          for (const ownedRow of OWNED[table].rowsOf(c, account.accountId, seed)) ownedRow.forEach((v, k) => owned[table][k].push(v));
        }
      }
      await client.query('BEGIN');
      await client.query(insertCustomers, columns);
      await client.query(insertMeta, [account.accountId, ...meta]);
      await insertWithPaths(insertCharges, insertChargePaths, history.chargeRows, history.charges, history.paths);
      if (history.refundRows.length > 0) await client.query(insertRefunds, transpose(history.refundRows, REFUND_COLUMNS.length));
      await insertWithPaths(insertInvoices, insertInvoicePaths, history.invoiceRows, history.invoices, history.paths);
      for (const table of OWNED_TABLES) await client.query(insertOwned[table], owned[table]);
      await client.query('COMMIT');
      if ((from / step) % 40 === 39) progress(log, to, size, started);
    }
    await client.query("SET maintenance_work_mem = '256MB'");
    const derived = performance.now();
    await client.query(DERIVE_STATS);
    log(`  derived the stats in ${((performance.now() - derived) / 1000).toFixed(1)} s`);
    const phase = performance.now();
    for (const { indexdef } of indexes) await client.query(indexdef);
    log(`  rebuilt ${indexes.length} indexes in ${((performance.now() - phase) / 1000).toFixed(1)} s`);
    // Autovacuum would analyze the freshly loaded tables soon anyway; do it now so plans are steady.
    for (const table of BULK_TABLES) await client.query(`ANALYZE ${table}`);
    return keyId;
  } finally {
    await client.end();
  }
}

/**
 * Migrates an empty database, creates the Bench account with the CLI and loads `size`
 * customers. Returns what a load generator needs: the account, its test key and the dataset.
 */
export async function seedDatabase({ databaseUrl, size, seed = DEFAULT_SEED, log = () => undefined }) {
  const started = performance.now();
  await migrate(databaseUrl);
  const account = await createAccount(databaseUrl);
  const postgres = /^postgres(ql)?:\/\//i.test(databaseUrl);
  const keyId = postgres
    ? await seedPostgres(databaseUrl, size, seed, account, log)
    : await seedSqlite(databaseUrl.replace(/^sqlite:(\/\/)?/, ''), size, seed, account, log);
  const seconds = (performance.now() - started) / 1000;
  log(`  seeded ${size.toLocaleString('en')} customers in ${seconds.toFixed(1)} s`);
  const tree = treeOf(size);
  return {
    ...account,
    keyId,
    size,
    seed,
    datasetVersion: DATASET_VERSION,
    seedSeconds: Number(seconds.toFixed(1)),
    tree: { root: customerIdAt(tree.root, seed), leaf: customerIdAt(tree.leaf, seed), descendants: tree.descendants },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: { database: { type: 'string' }, size: { type: 'string', default: '10000' }, seed: { type: 'string' } },
  });
  if (!values.database) {
    console.error('usage: node bench/seed.mjs --database sqlite:PATH|postgres://… [--size N] [--seed S]');
    process.exit(2);
  }
  const meta = await seedDatabase({
    databaseUrl: values.database,
    size: Number(values.size),
    seed: values.seed === undefined ? DEFAULT_SEED : Number(values.seed),
    log: (line) => console.error(line),
  });
  console.log(JSON.stringify(meta));
}

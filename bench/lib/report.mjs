/**
 * The issue's targets, evaluated from one run's measurements, and the printed table.
 * Figures are reported, never asserted: a missed target is a FAIL in the table, not an error.
 */

/**
 * Each target: which measurements it needs, how it computes its value, and its limit.
 * `ceiling` names what the scenario's ratio is taken against (shown in the table).
 */
export function evaluateTargets({ scenarios, ceilings, connections, size, descendants = 1000, paired = {} }) {
  const s = scenarios;
  const targets = [];
  const add = (t) => targets.push({ ...t, pass: t.comparison === '>=' ? t.value >= t.limit : t.value <= t.limit });
  if (s.retrieve && s.bare_fastify) {
    add({
      name: 'retrieve_vs_bare_fastify', scenario: 'retrieve', comparison: '>=', limit: 0.6,
      value: s.retrieve.rps / s.bare_fastify.rps, text: 'bare Fastify req/s',
      description: 'retrieve through the whole stack ≥ 0.6 × the bare Fastify ceiling (req/s)',
    });
  }
  if (s.retrieve) {
    add({
      name: 'retrieve_p99_ms', scenario: 'retrieve', comparison: '<=', limit: 10, unit: 'ms',
      value: s.retrieve.p99_ms, text: `ms p99 at ${connections} connections`,
      description: `p99 latency of retrieve at 50 connections ≤ 10 ms (measured at ${connections})`,
    });
  }
  if (s.create && ceilings.fdatasync) {
    add({
      name: 'create_vs_fdatasync', scenario: 'create', comparison: '>=', limit: 1.2,
      value: s.create.rps / ceilings.fdatasync.ops_per_sec, text: 'fdatasync/s',
      description: 'durable creates (acknowledged only once on disk) ≥ 1.2 × the one-fsync-per-write ceiling',
    });
  }
  if (s.create && s.create_sync_off) {
    add({
      name: 'create_vs_sync_off', scenario: 'create', comparison: '>=', limit: 0.9,
      value: s.create.rps / s.create_sync_off.rps, text: 'creates with durability off',
      description: 'durable creates ≥ 0.9 × the same server’s creates with synchronous=OFF',
    });
  }
  if (s.list_deep && s.list_first) {
    add({
      name: 'list_deep_vs_first_p50', scenario: 'list_deep', comparison: '<=', limit: 1.25,
      value: s.list_deep.p50_ms / s.list_first.p50_ms,
      text: `first page p50 (req/s ${(s.list_deep.rps / s.list_first.rps).toFixed(2)}×)`,
      description: `a list page deep in the collection ≤ 1.25 × the first page (p50 latency; ${size.toLocaleString('en')} customers)`,
    });
  }
  for (const [name, limit, what] of [
    ['search_substring', 10, 'a common substring'],
    ['search_substring_rare', 10, 'a rare substring'],
    ['search_email', 2, 'an exact email'],
    ['search_contact_email', 10, 'a contact’s email (its customer)'],
    ['search_contact_phone', 10, 'a contact’s phone, formatted otherwise (its customer)'],
  ]) {
    if (!s[name]) continue;
    add({
      name: `${name}_p50_ms`, scenario: name, comparison: '<=', limit, unit: 'ms',
      value: s[name].p50_ms, text: 'ms p50 at 1 connection',
      description: `search for ${what} ≤ ${limit} ms p50 through HTTP (${size.toLocaleString('en')} customers; target set for 10⁶)`,
    });
  }
  if (s.duplicates) {
    add({
      name: 'duplicates_p50_ms', scenario: 'duplicates', comparison: '<=', limit: 20, unit: 'ms',
      value: s.duplicates.p50_ms, text: 'ms p50 at 1 connection',
      description: `GET /v1/customers/:id/duplicates ≤ 20 ms p50 through HTTP (${size.toLocaleString('en')} customers; target set for 10⁶)`,
    });
  }
  // Server CPU per request: from the paired measurement when there is one (both scenarios
  // alternating on one server), else from the two scenarios' own runs.
  const cpu = (name) => s[name]?.server_cpu_ms_per_req ?? null;
  const cpuRatio = (target, numerator, denominator) => {
    if (paired[target]) return { value: paired[target].ratio, how: `paired, ${paired[target].slices} slices` };
    if (cpu(numerator) === null || cpu(denominator) === null) return null;
    return { value: cpu(numerator) / cpu(denominator), how: 'separate runs' };
  };
  const withStats = cpuRatio('retrieve_with_stats_vs_retrieve_cpu', 'retrieve_with_stats', 'retrieve');
  if (withStats) {
    add({
      name: 'retrieve_with_stats_vs_retrieve_cpu', scenario: 'retrieve_with_stats', comparison: '<=', limit: 1.3,
      value: withStats.value, text: `plain retrieve CPU/req (${withStats.how})`,
      description: 'a retrieve with expand[]=stats ≤ 1.3 × a plain retrieve, in server CPU per request',
    });
  }
  const tree = cpuRatio('stats_tree_root_vs_leaf_cpu', 'stats_tree_root', 'stats_leaf');
  if (tree) {
    add({
      name: 'stats_tree_root_vs_leaf_cpu', scenario: 'stats_tree_root', comparison: '<=', limit: 1.3,
      value: tree.value, text: `leaf stats CPU/req (${tree.how})`,
      description: `stats (with stats.tree) of a root of ${descendants.toLocaleString('en')} descendants ≤ 1.3 × a leaf's, in server CPU per request`,
    });
  }
  const rss = Object.entries(s)
    .filter(([name, m]) => name !== 'bare_fastify' && name !== 'plain_sqlite' && m.max_rss_mb !== null)
    .map(([, m]) => m.max_rss_mb);
  if (rss.length) {
    add({
      name: 'max_rss_mb', scenario: null, comparison: '<=', limit: 200, unit: 'MB',
      value: Math.max(...rss), text: 'MB, highest of all scenarios',
      description: `server RSS ≤ 200 MB under load (target set for 10⁶ customers; this run: ${size.toLocaleString('en')})`,
    });
  }
  return targets;
}

/**
 * Ratios reported beside the targets but judged against nothing: how the plain Fastify +
 * SQLite reference compares with the bare ceiling, and the whole stack with the reference.
 */
export function evaluateReferences({ scenarios }) {
  const s = scenarios;
  const references = [];
  if (s.plain_sqlite && s.bare_fastify) {
    references.push({
      name: 'plain_sqlite_vs_bare_fastify', scenario: 'plain_sqlite', value: s.plain_sqlite.rps / s.bare_fastify.rps, text: 'bare Fastify req/s',
      description: 'the reference retrieve (an index lookup, stored bytes, no auth) against the bare Fastify ceiling',
    });
  }
  if (s.retrieve && s.plain_sqlite) {
    references.push({
      name: 'retrieve_vs_plain_sqlite', scenario: 'retrieve', value: s.retrieve.rps / s.plain_sqlite.rps, text: 'plain reference req/s',
      description: 'retrieve through the whole stack against the plain Fastify + SQLite reference',
    });
  }
  return references;
}

const fixed = (n, digits) => (n === null || n === undefined || Number.isNaN(n) ? '-' : n.toFixed(digits));
const limitText = (t) => `${t.comparison === '>=' ? '≥' : '≤'} ${t.limit}${t.unit ? ` ${t.unit}` : ''}`;

function ratioText(t) {
  return t.unit ? `${fixed(t.value, 1)} ${t.text}` : `${fixed(t.value, 2)} × ${t.text}`;
}

/**
 * The table: one line per measurement, its first target beside it, further targets below it.
 * CPU % is the server's CPU time over the measured seconds (100 = one core busy); CPU ms/req
 * is that time per answered request, the steadier figure when other work shares the machine;
 * disk KB/req is what the machine's disks were sent during the measured seconds, per request.
 */
export function formatTable({ order, labels, scenarios, ceilings, targets, references = [] }) {
  const rows = [['scenario', 'req/s', 'p50 ms', 'p99 ms', 'RSS MB', 'CPU %', 'CPU ms/req', 'disk KB/req', 'ratio to its ceiling', 'target', 'result']];
  const targetCells = (t) => (t.pass === undefined ? [ratioText(t), '', 'reference'] : [ratioText(t), limitText(t), t.pass ? 'pass' : 'FAIL']);
  if (ceilings.fdatasync) rows.push(['fdatasync (ceiling)', fixed(ceilings.fdatasync.ops_per_sec, 0), '-', '-', '-', '-', '-', '-', '', '', '']);
  for (const name of order) {
    const m = scenarios[name];
    if (!m) continue;
    const own = [...targets, ...references].filter((t) => t.scenario === name);
    const first = own[0];
    const flag = m.non2xx || m.socket_errors ? ` (${m.non2xx} non-2xx, ${m.socket_errors} errors)` : '';
    rows.push([
      labels[name] + flag, fixed(m.rps, 0), fixed(m.p50_ms, 2), fixed(m.p99_ms, 2), fixed(m.max_rss_mb, 0), fixed(m.server_cpu_pct, 0), fixed(m.server_cpu_ms_per_req, 2), fixed(m.disk_write_kb_per_req, 1),
      ...(first ? targetCells(first) : ['', '', '']),
    ]);
    for (const t of own.slice(1)) rows.push([`  ${labels[name]}`, '', '', '', '', '', '', '', ...targetCells(t)]);
  }
  for (const t of targets.filter((x) => x.scenario === null)) rows.push(['server RSS (max)', '', '', '', fixed(t.value, 0), '', '', '', ...targetCells(t)]);
  const widths = rows[0].map((_, k) => Math.max(...rows.map((r) => r[k].length)));
  const numeric = new Set([1, 2, 3, 4, 5, 6, 7]);
  const line = (r) => r.map((cell, k) => (numeric.has(k) ? cell.padStart(widths[k]) : cell.padEnd(widths[k]))).join('  ').trimEnd();
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

const COMPARED = [
  ['rps', 'req/s', 0],
  ['p50_ms', 'p50 ms', 2],
  ['p99_ms', 'p99 ms', 2],
  ['server_cpu_ms_per_req', 'CPU ms/req', 3],
  ['disk_write_kb_per_req', 'disk KB/req', 1],
];

/**
 * `--compare`: every figure of every scenario for A and for B (each side's median run) and the
 * ratio B/A (with rounds, the median of each round's B/A), one line a figure; then each side's
 * targets and references with the ratio of their values.
 */
export function formatCompareTable({ order, labels, a, b, ratios, rounds = 1 }) {
  const rows = [['scenario', 'figure', `A ${a.ref}`, `B ${b.ref}`, rounds > 1 ? `B/A (median of ${rounds} rounds)` : 'B/A']];
  for (const name of order) {
    const [ma, mb] = [a.scenarios[name], b.scenarios[name]];
    if (!ma || !mb) continue;
    const flag = (m) => (m.non2xx || m.socket_errors ? ` (${m.non2xx} non-2xx, ${m.socket_errors} errors)` : '');
    COMPARED.forEach(([key, title, digits], k) => {
      rows.push([k === 0 ? labels[name] + flag(ma) + flag(mb) : '', title, fixed(ma[key], digits), fixed(mb[key], digits), fixed(ratios[name]?.[key], 3)]);
    });
  }
  const judged = (side) => new Map([...side.targets, ...side.references].map((t) => [t.name, t]));
  const [ja, jb] = [judged(a), judged(b)];
  for (const [name, ta] of ja) {
    const tb = jb.get(name);
    if (!tb) continue;
    const mark = (t) => (t.pass === undefined ? '' : t.pass ? ' pass' : ' FAIL');
    rows.push([name, limitCell(ta), `${fixed(ta.value, 3)}${mark(ta)}`, `${fixed(tb.value, 3)}${mark(tb)}`, fixed(ta.value ? tb.value / ta.value : null, 3)]);
  }
  const widths = rows[0].map((_, k) => Math.max(...rows.map((r) => r[k].length)));
  const line = (r) => r.map((cell, k) => (k >= 2 ? cell.padStart(widths[k]) : cell.padEnd(widths[k]))).join('  ').trimEnd();
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/** A target's limit as the compare table shows it. */
function limitCell(t) {
  return t.pass === undefined ? 'reference' : `target ${limitText(t)}`;
}

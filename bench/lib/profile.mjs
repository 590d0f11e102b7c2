/**
 * A short reading of a V8 .cpuprofile (node --cpu-prof): where the server's CPU time went,
 * by package or source folder and by function (self time), so a run shows what dominates.
 */
import { readFileSync } from 'node:fs';

/** Package or folder a profile frame belongs to: node_modules/<pkg>, dist/<layer>, node internals … */
function areaOf(frame) {
  const url = frame.url ?? '';
  if (!url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const dist = /\/dist\/([^/]+)(?:\/([^/]+))?/.exec(url);
  if (dist) return dist[2] && !dist[2].endsWith('.js') ? `dist/${dist[1]}/${dist[2]}` : `dist/${dist[1]}`;
  if (url.startsWith('node:')) return 'node internals';
  return url.split('/').slice(-2).join('/');
}

export function summariseProfile(path, top = 12) {
  const profile = JSON.parse(readFileSync(path, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const counts = new Map();
  for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  const total = profile.samples.length || 1;
  const idle = [...counts].filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)').reduce((n, [, c]) => n + c, 0);
  const busy = total - idle || 1;
  const areas = new Map();
  const functions = new Map();
  for (const [id, count] of counts) {
    const frame = byId.get(id).callFrame;
    if (frame.functionName === '(idle)') continue;
    const area = areaOf(frame);
    areas.set(area, (areas.get(area) ?? 0) + count);
    const where = frame.url ? `${frame.url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${frame.lineNumber + 1}` : '';
    const key = `${frame.functionName || '(anonymous)'} ${where}`.trim();
    functions.set(key, (functions.get(key) ?? 0) + count);
  }
  const share = (entries) =>
    [...entries]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, count]) => ({ name, pct: Number(((100 * count) / busy).toFixed(1)) }));
  return { busy_pct: Number(((100 * busy) / total).toFixed(1)), areas: share(areas), functions: share(functions) };
}

export function formatProfile(name, summary) {
  const lines = [`${name}: busy ${summary.busy_pct}% of samples; self time of busy samples by area:`];
  lines.push('  ' + summary.areas.map((a) => `${a.name} ${a.pct}%`).join(', '));
  lines.push('  top functions:');
  for (const f of summary.functions.slice(0, 8)) lines.push(`    ${String(f.pct).padStart(5)}%  ${f.name}`);
  return lines.join('\n');
}

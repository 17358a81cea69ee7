import fc from 'fast-check';
import { DOC_REPLIES } from './corpus';
import { mutatedPayloadArb, type Json } from './arbitraries';
import { lenientJsonParse } from '../../src/api/lenient-json';
import { parseReply } from '../../src/api/normalise';
const cmd = 'get_state';
const texts = [DOC_REPLIES[cmd]];
const values = texts.map((t) => lenientJsonParse(t) as Json);
const samples = fc.sample(mutatedPayloadArb(texts, values), { numRuns: 2000, seed: 1 });
const rows: [number, number, string][] = [];
for (const p of samples) {
  const t0 = performance.now();
  let out = 'ok';
  try { parseReply(cmd, p.kind === 'value' ? p.value : p.text); } catch (e) { out = (e as Error).message.slice(0, 60); }
  rows.push([performance.now() - t0, p.kind === 'text' ? p.text.length : JSON.stringify(p.value)?.length ?? 0, p.kind + ' ' + out]);
}
rows.sort((a, b) => b[0] - a[0]);
const total = rows.reduce((s, r) => s + r[0], 0);
console.log('total', total.toFixed(0), 'top20 share', (rows.slice(0, 20).reduce((s, r) => s + r[0], 0) / total).toFixed(2));
for (const r of rows.slice(0, 15)) console.log(r[0].toFixed(2), r[1], r[2]);
console.log('median', rows[1000][0].toFixed(3));

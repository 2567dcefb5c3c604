import { performance } from 'node:perf_hooks';
import { openStore } from '../dist/index.js';
const store = await openStore({ dataDir: process.argv[2] });
const time = async (label, fn, n = 60) => { for (let i = 0; i < 5; i++) await fn(); const ts = []; for (let i = 0; i < n; i++) { const t = performance.now(); await fn(i); ts.push(performance.now() - t); } ts.sort((a, b) => a - b); console.log(label, 'p50', ts[n >> 1].toFixed(2)); };
await time('select 1', () => store.db.execute('SELECT 1'));
await time('no terms', () => store.search({ scope: 'bench:s7', queries: ['the', 'and', 'of'], limit: 15 }));
await time('unknown short', () => store.search({ scope: 'bench:s7', queries: ['zzq', 'qqx', 'xxj'], limit: 15 }));
await time('unknown long (trgm)', () => store.search({ scope: 'bench:s7', queries: ['zzqqxxjj', 'qqxxyyzz', 'xxjjkkll'], limit: 15 }));
const terms = (await store.db.execute('SELECT term, df FROM knowledge_terms ORDER BY df DESC')).rows;
const pick = (lo, hi) => terms.filter((t) => t.df >= lo && t.df < hi).slice(0, 12).map((t) => t.term);
for (const [lo, hi] of [[1, 100], [100, 500], [500, 1000], [1000, 5000], [5000, 100000]]) {
  const w = pick(lo, hi);
  await time(`df ${lo}-${hi}`, () => store.search({ scope: 'bench:s7', queries: [w.slice(0, 3).join(' '), w.slice(3, 6).join(' '), w.slice(6, 9).join(' ')], limit: 15 }));
}
await store.close();

import fs from 'node:fs';
import { BANK_FORMAT_ADAPTERS, parseBankFile } from './src/bank-data/formats/index.js';
const dirs = ['/work/shared/data/formats/camt', '/work/shared/data/formats/berlin-group/examples', '/work/shared/data/formats/uk-open-banking/examples'];
for (const d of dirs) for (const f of fs.readdirSync(d).filter(f => !f.endsWith('.json') || !d.endsWith('camt'))) {
  if (f === 'LICENSE') continue;
  const buf = fs.readFileSync(d + '/' + f);
  const scores = BANK_FORMAT_ADAPTERS.map(a => `${a.format}:${a.detect(buf)}`).join(' ');
  try {
    const s = parseBankFile(buf, { lenient: process.argv[2] === 'l' });
    console.log(f, scores, '→', s.format, 'acc', s.accounts.length, 'tx', s.transactions.length, 'bal', s.balances.length, 'rej', s.rejected.length, 'sum', s.transactions.reduce((a, t) => a + t.amountCents, 0));
  } catch (e: any) { console.log(f, scores, 'ERR', e.name, e.kind, e.message); }
}

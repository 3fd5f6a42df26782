import fs from 'node:fs';
import { parseBankFile } from './src/bank-data/formats/index.js';
for (const f of process.argv.slice(2)) {
  const s = parseBankFile(fs.readFileSync(f), { lenient: true });
  console.log('==', f.split('/').pop(), JSON.stringify({ accounts: s.accounts, rejected: s.rejected }));
  for (const t of s.transactions) console.log('  T', JSON.stringify(Object.fromEntries(Object.entries(t).filter(([, v]) => v !== null && v !== false))));
  for (const b of s.balances) console.log('  B', JSON.stringify(b));
}

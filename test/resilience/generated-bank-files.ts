/**
 * Bank files generated on the spot for the resilience tests and the upload-isolation benchmark: a
 * genuine-looking camt.053 of any number of entries (about 420 bytes each, as real Dutch exports),
 * and the hostile one of millions of empty `<Ntry/>` elements.
 */
const IBAN = 'NL91ABNA0417164300';
const COUNTERPARTIES = [
  ['Albert Heijn 1021', 'NL02ABNA0123456789'],
  ['Vattenfall Klantenservice', 'NL20INGB0001234567'],
  ['Woonstichting De Key', 'NL39RABO0300065264'],
  ['Werkgever B.V.', 'NL44RABO0123456789'],
  ['Zilveren Kruis', 'NL86INGB0002445588'],
] as const;

function isoDay(n: number): string {
  return new Date(Date.UTC(2024, 0, 1) + (n % 700) * 86_400_000).toISOString().slice(0, 10);
}

function amount(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/** A camt.053.001.02 statement of one account with `entries` booked entries, every one distinct. */
export function genuineCamt053(entries: number, seed = 0): Buffer {
  const parts: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n',
    `<BkToCstmrStmt><GrpHdr><MsgId>GEN-${seed}</MsgId><CreDtTm>2025-12-01T00:00:00</CreDtTm></GrpHdr>\n`,
    `<Stmt><Id>GEN-${seed}-1</Id><CreDtTm>2025-12-01T00:00:00</CreDtTm>\n`,
    `<Acct><Id><IBAN>${IBAN}</IBAN></Id><Ccy>EUR</Ccy><Ownr><Nm>J. de Vries</Nm></Ownr></Acct>\n`,
    `<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1234.56</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>${isoDay(699)}</Dt></Dt></Bal>\n`,
  ];
  for (let i = 0; i < entries; i++) {
    const n = seed * entries + i;
    const [name, iban] = COUNTERPARTIES[n % COUNTERPARTIES.length]!;
    const credit = n % 5 === 3;
    const cents = 100 + ((n * 7919) % 150_000);
    const day = isoDay(Math.floor((i * 700) / Math.max(1, entries)));
    const role = credit ? 'Dbtr' : 'Cdtr';
    parts.push(
      `<Ntry><Amt Ccy="EUR">${amount(cents)}</Amt><CdtDbtInd>${credit ? 'CRDT' : 'DBIT'}</CdtDbtInd><Sts>BOOK</Sts>` +
        `<BookgDt><Dt>${day}</Dt></BookgDt><AcctSvcrRef>GEN-${seed}-${i}</AcctSvcrRef>` +
        `<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>${credit ? 'RCDT' : 'ICDT'}</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>` +
        `<NtryDtls><TxDtls><RltdPties><${role}><Nm>${name}</Nm></${role}><${role}Acct><Id><IBAN>${iban}</IBAN></Id></${role}Acct></RltdPties>` +
        `<RmtInf><Ustrd>Betaling ${n} factuur ${n % 997}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n`,
    );
  }
  parts.push('</Stmt></BkToCstmrStmt></Document>\n');
  return Buffer.from(parts.join(''), 'utf8');
}

/** A well-formed camt.053 whose one statement holds `entries` empty `<Ntry/>` elements (6,000,000: about 48 MB). */
export function emptyEntriesCamt053(entries: number): Buffer {
  const head = Buffer.from(
    '<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>X</MsgId><CreDtTm>2025-12-01T00:00:00</CreDtTm></GrpHdr><Stmt><Id>X</Id><Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id></Acct>\n',
  );
  const tail = Buffer.from('</Stmt></BkToCstmrStmt></Document>\n');
  const entry = Buffer.from('<Ntry/>\n');
  const out = Buffer.allocUnsafe(head.length + entries * entry.length + tail.length);
  head.copy(out, 0);
  for (let i = 0; i < entries; i++) entry.copy(out, head.length + i * entry.length);
  tail.copy(out, head.length + entries * entry.length);
  return out;
}

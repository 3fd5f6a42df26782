import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { readXmlDocument } from '../../../src/bank-data/formats/xml-reader.js';
import { refusal } from './refusal.js';

function read(xml: string | Buffer, options: { maxBytes?: number; maxDepth?: number } = {}) {
  return readXmlDocument(typeof xml === 'string' ? Buffer.from(xml, 'utf8') : xml, 'camt.053', options);
}

describe('readXmlDocument refuses what XML parsers are attacked with', () => {
  it('refuses an external entity (XXE) before any parser sees it', () => {
    const xxe = `<?xml version="1.0"?>
<!DOCTYPE Document [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Document><Nm>&secret;</Nm></Document>`;
    const error = refusal(() => read(xxe));
    expect(error.kind).toBe('unsafe');
    expect(error.location).toBe('line 2, column 1');
    expect(error.reason).toMatch(/DOCTYPE/);
  });

  it('refuses a billion-laughs document', () => {
    const laughs = [
      '<?xml version="1.0"?>',
      '<!DOCTYPE lolz [',
      ' <!ENTITY lol "lol">',
      ...Array.from({ length: 9 }, (_, i) => ` <!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`),
      ']>',
      '<lolz>&lol9;</lolz>',
    ].join('\n');
    const error = refusal(() => read(laughs));
    expect(error.kind).toBe('unsafe');
  });

  it('refuses an ENTITY declaration even without a DOCTYPE around it, in any letter case', () => {
    expect(refusal(() => read('<!entity x "y"><Document/>')).kind).toBe('unsafe');
    expect(refusal(() => read('<?xml version="1.0"?>\n<!doctype Document>\n<Document/>')).kind).toBe('unsafe');
  });

  it('refuses nesting deeper than the limit, and accepts nesting up to it', () => {
    const nested = (depth: number) => '<a>'.repeat(depth) + '</a>'.repeat(depth);
    const error = refusal(() => read(nested(65)));
    expect(error.kind).toBe('unsafe');
    expect(error.reason).toMatch(/deeper than 64/);
    expect(read(nested(64)).name).toBe('a');
    expect(refusal(() => read(nested(10_000))).kind).toBe('unsafe');
  });

  it('refuses input over the size limit before decoding it', () => {
    const error = refusal(() => read('<Document/>', { maxBytes: 5 }));
    expect(error.kind).toBe('too_large');
  });

  it('decodes only the five predefined entities and numeric references; an undeclared entity is an error', () => {
    const doc = read('<D><N>&lt;&amp;&gt;&quot;&apos; &#233;&#x20AC; <![CDATA[&amp; stays]]></N></D>');
    expect(doc.textAt('N')).toBe('<&>"\' é€ &amp; stays');
    const error = refusal(() => read('<D>\n  <N>&nbsp;</N></D>'));
    expect(error.kind).toBe('malformed');
    expect(error.location).toBe('line 2, column 6');
    expect(refusal(() => read('<D><N>&#0;</N></D>')).reason).toMatch(/no allowed character/);
  });
});

describe('readXmlDocument reads bank XML faithfully', () => {
  it('keeps every value a string: amounts keep their zeros, account numbers their leading zeros', () => {
    const doc = read('<D><Amt Ccy="EUR">0.10</Amt><Id>007</Id><Big>12345678901234567890</Big><Flag>true</Flag></D>');
    expect(doc.textAt('Amt')).toBe('0.10');
    expect(doc.child('Amt')?.attribute('Ccy')).toBe('EUR');
    expect(doc.textAt('Id')).toBe('007');
    expect(doc.textAt('Big')).toBe('12345678901234567890');
    expect(doc.textAt('Flag')).toBe('true');
  });

  it('strips namespace prefixes and resolves the namespace they stand for', () => {
    const doc = read('<c:Document xmlns:c="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><c:Stmt><c:Id>1</c:Id></c:Stmt></c:Document>');
    expect(doc.name).toBe('Document');
    expect(doc.namespace).toBe('urn:iso:std:iso:20022:tech:xsd:camt.053.001.02');
    expect(doc.textAt('Stmt', 'Id')).toBe('1');
  });

  it('numbers repeated elements in paths and names the first directly', () => {
    const doc = read('<D><Ntry><Amt>1</Amt></Ntry><Ntry><Amt>2</Amt></Ntry></D>');
    const entries = doc.children('Ntry');
    expect(entries.map((e) => e.child('Amt')?.path)).toEqual(['Ntry[0]/Amt', 'Ntry[1]/Amt']);
    expect(entries.map((e) => e.textAt('Amt'))).toEqual(['1', '2']);
  });

  it('decodes a UTF-8 BOM, a declared ISO-8859-1 and UTF-16 with a BOM', () => {
    const name = 'Jos\u00e9 M\u00fcller';
    expect(read(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`<D><N>${name}</N></D>`)])).textAt('N')).toBe(name);
    const latin1 = iconv.encode(`<?xml version="1.0" encoding="ISO-8859-1"?>\n<D><N>${name}</N></D>`, 'latin1');
    expect(read(latin1).textAt('N')).toBe(name);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`<?xml version="1.0" encoding="UTF-16"?><D><N>${name}</N></D>`, 'utf16le')]);
    expect(read(utf16).textAt('N')).toBe(name);
  });

  it('refuses bytes that are not the declared encoding, an unknown encoding, and malformed XML with line and column', () => {
    const badUtf8 = Buffer.concat([Buffer.from('<D>\n<N>'), Buffer.from([0xc3, 0x28]), Buffer.from('</N></D>')]);
    expect(refusal(() => read(badUtf8)).location).toBe('line 2, column 4');
    expect(refusal(() => read('<?xml version="1.0" encoding="x-klingon"?><D/>')).kind).toBe('unsupported');
    const mismatched = refusal(() => read('<D>\n  <A></B>\n</D>'));
    expect(mismatched.kind).toBe('malformed');
    expect(mismatched.location).toBe('line 2, column 6');
    expect(refusal(() => read('<A/><B/>')).reason).toMatch(/root element/);
  });
});

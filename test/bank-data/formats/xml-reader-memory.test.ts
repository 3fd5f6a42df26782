import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { BankFileError } from '../../../src/bank-data/canonical.js';
import { readXmlDocument, type XmlNode } from '../../../src/bank-data/formats/xml-reader.js';
import { genuineCamt053 } from '../../resilience/generated-bank-files.js';

// A full collection before and after the read makes the retained figure the tree's own, not garbage's.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function collect(): void {
  for (let i = 0; i < 3; i++) gc();
}

/** Heap plus array buffers: the tree keeps its element table in typed arrays, outside the JS heap. */
function used(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

function read(xml: string): XmlNode {
  return readXmlDocument(Buffer.from(xml, 'utf8'), 'camt.053');
}

describe('readXmlDocument memory', () => {
  it('keeps the tree of a 20,000-entry camt.053 within 8x the file size', () => {
    const file = genuineCamt053(20_000);
    collect();
    const before = used();
    const document = readXmlDocument(file, 'camt.053');
    collect();
    const growth = used() - before;
    // The tree is still reachable here, so the growth is what a parse worker holds while the adapter runs.
    const entries = document.child('BkToCstmrStmt')!.child('Stmt')!.children('Ntry');
    expect(entries).toHaveLength(20_000);
    expect(entries[19_999]!.path).toBe('BkToCstmrStmt/Stmt/Ntry[19999]');
    expect(entries[0]!.child('Amt')!.attribute('Ccy')).toBe('EUR');
    expect(growth).toBeGreaterThan(0);
    expect(growth).toBeLessThan(8 * file.byteLength);
  });
});

describe('the compact tree reads text as the fast-xml-parser tree did', () => {
  it('joins text around comments, processing instructions and CDATA, keeping inner whitespace', () => {
    expect(read('<a> &gt; <?pi x?><![CDATA[ q&amp; ]]>&amp;x<![CDATA[]]></a>').text).toBe('>  q&amp; &x');
    expect(read('<a>\n > <b>&amp;</b><!-- c -->y z</a>').text).toBe('> y z');
  });

  it('normalises CRLF and CR line breaks to LF in text and attributes', () => {
    const document = read('<a v="1\r\n2">x\r\ny\rz<b>\r\n</b></a>');
    expect(document.text).toBe('x\ny\nz');
    expect(document.attribute('v')).toBe('1\n2');
    expect(document.child('b')!.text).toBe('');
  });

  it('names the bad reference the tree met first: a parent text before its children', () => {
    let error: unknown = null;
    try {
      read('<a>\r\n<b>&foo;</b>&#0;</a>');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(BankFileError);
    expect((error as BankFileError).location).toBe('line 2, column 13');
    expect((error as BankFileError).reason).toMatch(/&#0;/);
  });

  it('resolves namespaces per element and keeps the last of two same-named prefixed attributes', () => {
    const document = read('<d xmlns="urn:d" xmlns:p="urn:p" p:x="1" x="2"><p:e/><f xmlns=""/><g/></d>');
    expect(document.namespace).toBe('urn:d');
    expect(document.attribute('x')).toBe('2');
    expect(document.childNames).toEqual(['e', 'f', 'g']);
    expect(document.child('e')!.namespace).toBe('urn:p');
    // xmlns="" undeclares the default namespace; the empty string stands for that, as it always has here.
    expect(document.child('f')!.namespace).toBe('');
    expect(document.child('g')!.namespace).toBe('urn:d');
    expect(document.child('missing')).toBe(null);
    expect(document.children('missing')).toEqual([]);
  });
});

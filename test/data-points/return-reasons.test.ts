import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  RETURN_REASONS,
  RETURN_REASON_CLASSES,
  RETURN_REASON_DEFINITIONS,
  isReturnReasonCode,
  returnReasonClass,
} from '../../src/data-points/return-reasons.js';

/** Reads the published CSV (code,definition; definitions may be quoted and hold commas or doubled quotes). */
function readCodeSet(): Array<[string, string]> {
  const text = readFileSync(new URL('../fixtures/reference/ExternalReturnReason1Code.csv', import.meta.url), 'utf8');
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += char;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  const [header, ...body] = rows;
  expect(header).toEqual(['code', 'definition']);
  return body.map((cells) => {
    expect(cells).toHaveLength(2);
    return [cells[0]!, cells[1]!];
  });
}

describe('ISO ExternalReturnReason1Code list', () => {
  it('holds exactly the published codes and definitions, in the published order', () => {
    const published = readCodeSet();
    expect(published).toHaveLength(104);
    expect(Object.entries(RETURN_REASON_DEFINITIONS)).toEqual(published);
  });

  it('gives every code exactly one known signal class', () => {
    expect(RETURN_REASONS).toHaveLength(Object.keys(RETURN_REASON_DEFINITIONS).length);
    for (const reason of RETURN_REASONS) {
      expect(RETURN_REASON_CLASSES).toContain(reason.signalClass);
      expect(reason.definition).toBe(RETURN_REASON_DEFINITIONS[reason.code]);
    }
  });
});

describe('returnReasonClass', () => {
  // The domain README's table (EPC reading of the codes).
  it.each([
    ['AM04', 'insufficient_funds'],
    ['MD06', 'dispute_or_refusal'],
    ['MS02', 'dispute_or_refusal'],
    ['MS03', 'unknown'],
    ['MD01', 'mandate_problem'],
    ['AC04', 'account_closed'],
    ['AC06', 'account_blocked'],
    ['MD07', 'deceased'],
    ['AM05', 'technical'],
  ])('classes %s as %s, as the domain table says', (code, signalClass) => {
    expect(returnReasonClass(code)).toBe(signalClass);
  });

  it.each([
    ['SP01', 'dispute_or_refusal'],
    ['SL12', 'dispute_or_refusal'],
    ['CN01', 'mandate_problem'],
    ['AC15', 'account_closed'],
    ['AC16', 'account_blocked'],
    ['NARR', 'unknown'],
    ['RC01', 'technical'],
    ['DUPL', 'technical'],
  ])('classes the codes beyond the table by who caused the return: %s as %s', (code, signalClass) => {
    expect(returnReasonClass(code)).toBe(signalClass);
  });

  it('classes a code the list does not hold as unknown, and codes are case-sensitive', () => {
    expect(isReturnReasonCode('ZZ99')).toBe(false);
    expect(returnReasonClass('ZZ99')).toBe('unknown');
    expect(isReturnReasonCode('am04')).toBe(false);
    expect(returnReasonClass('am04')).toBe('unknown');
  });

  it('uses every class for at least one code, so no class is dead weight in the signals', () => {
    const used = new Set(RETURN_REASONS.map((reason) => reason.signalClass));
    expect([...used].sort()).toEqual([...RETURN_REASON_CLASSES].sort());
  });
});

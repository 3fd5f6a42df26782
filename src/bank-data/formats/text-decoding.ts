/**
 * Bytes → text for the text-based bank formats (JSON, XML), refusing what cannot be decoded
 * instead of letting U+FFFD replacement characters slip into names and references.
 */
import { BankFileError, type BankFormat } from '../canonical.js';

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export function hasUtf8Bom(input: Buffer): boolean {
  return input.subarray(0, 3).equals(UTF8_BOM);
}

/**
 * The first bytes read as Latin-1, without a BOM: enough for detection to look for ASCII markers
 * (an XML namespace, JSON keys) cheaply and without ever failing on undecodable bytes.
 */
export function asciiPrefix(input: Buffer, bytes = 4096): string {
  const head = hasUtf8Bom(input) ? input.subarray(3, 3 + bytes) : input.subarray(0, bytes);
  return head.toString('latin1');
}

/** Decodes UTF-8 (a leading BOM is dropped); names the line and column of the first invalid byte sequence. */
export function decodeUtf8(input: Buffer, format: BankFormat): string {
  const body = hasUtf8Bom(input) ? input.subarray(3) : input;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    const lossy = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(body);
    const at = lossy.indexOf('\uFFFD');
    throw new BankFileError(format, describePosition(lossy, Math.max(at, 0)), 'the file is not valid UTF-8 text');
  }
}

/** "line 3, column 14" for a character offset, both counted from 1, as editors show them. */
export function describePosition(text: string, offset: number): string {
  const { line, column } = lineAndColumn(text, offset);
  return `line ${line}, column ${column}`;
}

export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const bounded = Math.min(Math.max(offset, 0), text.length);
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < bounded; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: bounded - lineStart + 1 };
}

/**
 * The QR images decoded back with a decoder that shares no code with the encoder (jsQR reads pixels,
 * pngjs reads the PNG), and compared with the payload byte for byte.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import fc from 'fast-check';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { toBuffer } from 'qrcode';
import { describe, expect, it } from 'vitest';
import { epcQrCaption, formatIban } from '../../src/payment-links/caption.js';
import { instalmentCreditorReference } from '../../src/payment-links/creditor-reference.js';
import { EPC_MAX_PAYLOAD_BYTES, EpcQrError, buildEpcPayload, type EpcCreditTransfer } from '../../src/payment-links/epc-qr.js';
import { EPC_MAX_QR_VERSION, epcQrSymbol, renderEpcQrPng, renderEpcQrSvg } from '../../src/payment-links/qr-image.js';

// jsqr is a CommonJS bundle typed as an ES module: its function is the export and its `default`; the
// types only know `default`.
const jsQR = jsQRModule.default;
const IBAN = 'NL91ABNA0417164300';

interface Image {
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
}

function readPng(png: Buffer): Image {
  const image = PNG.sync.read(png);
  return { width: image.width, height: image.height, rgba: new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length) };
}

function decode(image: Image): { bytes: Buffer; version: number; modes: string[] } {
  const result = jsQR(image.rgba, image.width, image.height);
  if (!result) throw new Error('jsQR found no QR code');
  return { bytes: Buffer.from(result.binaryData), version: result.version, modes: result.chunks.map((c) => String(c.type)) };
}

/**
 * The error-correction level, read from the image's format information (ISO/IEC 18004 §7.9): the
 * top two of its 15 bits, XOR-masked with 101…, sit at row 8, columns 0 and 1, and again at column 8
 * of the bottom two rows. Masked, M reads dark-light.
 */
function errorCorrectionLevel(image: Image, scale: number, margin: number): string {
  const modules = image.width / scale - 2 * margin;
  const dark = (row: number, col: number): number => {
    const x = (margin + col) * scale + Math.floor(scale / 2);
    const y = (margin + row) * scale + Math.floor(scale / 2);
    return image.rgba[(y * image.width + x) * 4]! < 128 ? 1 : 0;
  };
  const levels: Record<string, string> = { '10': 'M', '11': 'L', '01': 'Q', '00': 'H' };
  const first = `${dark(8, 0)}${dark(8, 1)}`;
  const second = `${dark(modules - 1, 8)}${dark(modules - 2, 8)}`;
  expect(second).toBe(first);
  return levels[first]!;
}

/** Draws the SVG's dark path (only M, m and h, as the package writes it) into a module grid. */
function svgModules(svg: string): { size: number; grid: boolean[][] } {
  expect(XMLValidator.validate(svg)).toBe(true);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(svg) as {
    svg: { viewBox: string; path: { d: string; stroke?: string; fill?: string }[] };
  };
  const [, , w, h] = doc.svg.viewBox.split(' ').map(Number);
  expect(w).toBe(h);
  const size = w!;
  const dark = doc.svg.path.find((p) => p.stroke === '#000000');
  expect(dark, 'a stroked path with the modules').toBeDefined();
  const grid = Array.from({ length: size }, () => Array.from({ length: size }, () => false));
  let x = 0;
  let y = 0;
  let commands = 0;
  for (const [, cmd, args] of dark!.d.matchAll(/([A-Za-z])([^A-Za-z]*)/g)) {
    const n = args!.trim().split(/[\s,]+/).filter((s) => s !== '').map(Number);
    commands += 1;
    if (cmd === 'M') [x, y] = [n[0]!, n[1]!];
    else if (cmd === 'm') [x, y] = [x + n[0]!, y + n[1]!];
    else if (cmd === 'h') {
      // A 1-wide stroke along y = row + 0.5 fills the modules x … x + length − 1 of that row.
      for (let c = x; c < x + n[0]!; c += 1) grid[Math.floor(y)]![c] = true;
      x += n[0]!;
    } else throw new Error(`unexpected path command ${cmd}`);
  }
  expect(commands).toBeGreaterThan(50);
  return { size, grid };
}

function rasterise(grid: boolean[][], scale: number): Image {
  const size = grid.length * scale;
  const rgba = new Uint8ClampedArray(size * size * 4).fill(255);
  grid.forEach((row, r) =>
    row.forEach((on, c) => {
      if (!on) return;
      for (let dy = 0; dy < scale; dy += 1) {
        for (let dx = 0; dx < scale; dx += 1) {
          const i = ((r * scale + dy) * size + c * scale + dx) * 4;
          rgba[i] = rgba[i + 1] = rgba[i + 2] = 0;
        }
      }
    }),
  );
  return { width: size, height: size, rgba };
}

const INSTALMENT: EpcCreditTransfer = {
  beneficiaryName: 'Stichting Schuldhulp Zoë & Søn',
  iban: IBAN,
  bic: 'ABNANL2A',
  amountCents: 4550,
  structuredReference: instalmentCreditorReference({ planNumber: 1234, instalmentNumber: 7 }),
  beneficiaryToOriginatorInfo: 'Termijn 7 van 12',
};

describe('EPC QR image', () => {
  it('PNG: decodes back to the payload byte for byte, at level M', async () => {
    const payload = buildEpcPayload(INSTALMENT);
    const image = readPng(await renderEpcQrPng(payload, { scale: 8 }));
    const decoded = decode(image);
    expect(decoded.bytes.equals(Buffer.from(payload, 'utf8'))).toBe(true);
    expect(decoded.bytes.toString('utf8').split('\n')[5]).toBe('Stichting Schuldhulp Zoë & Søn');
    expect(decoded.version).toBe(epcQrSymbol(payload).version);
    // One byte-mode segment, no ECI header: the payload's own line 3 says UTF-8.
    expect(decoded.modes).toEqual(['byte']);
    expect(errorCorrectionLevel(image, 8, 4)).toBe('M');
  });

  it('the level check can tell: the same payload drawn at level L reads as L', async () => {
    const payload = buildEpcPayload(INSTALMENT);
    const png = await toBuffer([{ data: Buffer.from(payload), mode: 'byte' }], { errorCorrectionLevel: 'L', margin: 4, scale: 8 });
    expect(errorCorrectionLevel(readPng(png), 8, 4)).toBe('L');
  });

  it('PNG: an unstructured remittance text decodes back too', async () => {
    const payload = buildEpcPayload({ beneficiaryName: 'Gemeente Voorbeeld', iban: IBAN, amountCents: 1, remittanceText: 'Factuur 2024-117, maart; café' });
    expect(decode(readPng(await renderEpcQrPng(payload))).bytes.toString('utf8')).toBe(payload);
  });

  it('the largest payload (331 bytes, with two-byte characters) fits version 13 and decodes back', async () => {
    const name = 'Ø'.repeat(70);
    const base = buildEpcPayload({ beneficiaryName: name, iban: IBAN, amountCents: 99_999_999_999, remittanceText: 'x' });
    const room = EPC_MAX_PAYLOAD_BYTES - Buffer.byteLength(base, 'utf8') + 1;
    const payload = buildEpcPayload({ beneficiaryName: name, iban: IBAN, amountCents: 99_999_999_999, remittanceText: 'x'.repeat(room) });
    expect(Buffer.byteLength(payload, 'utf8')).toBe(EPC_MAX_PAYLOAD_BYTES);
    expect(epcQrSymbol(payload).version).toBe(EPC_MAX_QR_VERSION);
    const decoded = decode(readPng(await renderEpcQrPng(payload, { scale: 6 })));
    expect(decoded.version).toBe(13);
    expect(decoded.bytes.equals(Buffer.from(payload, 'utf8'))).toBe(true);
    await expect(renderEpcQrPng(`${payload}x`)).rejects.toThrow(EpcQrError);
  });

  it('random valid payloads decode back byte for byte (property)', async () => {
    const transferArb = fc.record({
      beneficiaryName: fc.string({ unit: fc.constantFrom(...'abcXYZ éëøß-&.'), minLength: 1, maxLength: 70 }).filter((s) => s.trim() !== ''),
      amountCents: fc.integer({ min: 1, max: 99_999_999_999 }),
      planNumber: fc.integer({ min: 1, max: 999_999_999_999 }),
      instalmentNumber: fc.integer({ min: 1, max: 999 }),
    });
    await fc.assert(
      fc.asyncProperty(transferArb, async ({ beneficiaryName, amountCents, planNumber, instalmentNumber }) => {
        const payload = buildEpcPayload({ beneficiaryName, iban: IBAN, amountCents, structuredReference: instalmentCreditorReference({ planNumber, instalmentNumber }) });
        expect(decode(readPng(await renderEpcQrPng(payload, { scale: 4 }))).bytes.toString('utf8')).toBe(payload);
      }),
      { numRuns: 15 },
    );
  });

  it('SVG: parses as XML, holds the module paths, and those modules decode back to the payload', async () => {
    const payload = buildEpcPayload(INSTALMENT);
    const svg = await renderEpcQrSvg(payload);
    const { size, grid } = svgModules(svg);
    expect(size).toBe(epcQrSymbol(payload).modules + 8);
    const decoded = decode(rasterise(grid, 4));
    expect(decoded.bytes.equals(Buffer.from(payload, 'utf8'))).toBe(true);
    // Quiet zone: the 4 outer modules on every side are light.
    for (let i = 0; i < size; i += 1) for (const j of [0, 1, 2, 3, size - 4, size - 3, size - 2, size - 1]) expect(grid[i]![j] || grid[j]![i]).toBe(false);
  });

  it('SVG: a caption becomes its title and label, escaped', async () => {
    const payload = buildEpcPayload(INSTALMENT);
    const caption = epcQrCaption({ beneficiaryName: INSTALMENT.beneficiaryName, iban: IBAN, amountCents: 4550, reference: INSTALMENT.structuredReference! }, 'nl');
    const svg = await renderEpcQrSvg(payload, { title: caption });
    expect(XMLValidator.validate(svg)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(svg) as { svg: { title: string; role: string; 'aria-label': string } };
    expect(doc.svg.role).toBe('img');
    // The parser decodes entities, so equal text means the "&" in the name was escaped, not dropped.
    expect(doc.svg.title).toBe(caption);
    expect(doc.svg['aria-label']).toBe(caption);
    expect(svg).toContain('Zoë &amp; Søn');
    expect(svg).not.toContain('Zoë & Søn');
    expect(decode(rasterise(svgModules(svg).grid, 4)).bytes.toString('utf8')).toBe(payload);
  });
});

describe('caption', () => {
  it('names amount, account and reference in both languages', () => {
    const reference = instalmentCreditorReference({ planNumber: 1234, instalmentNumber: 7 });
    const input = { beneficiaryName: 'Gemeente Voorbeeld', iban: 'nl91abna0417164300', amountCents: 123450, reference };
    const grouped = reference.replace(/(.{4})(?=.)/g, '$1 ');
    expect(epcQrCaption(input, 'nl')).toBe(`QR-code om € 1.234,50 te betalen aan Gemeente Voorbeeld, rekening NL91 ABNA 0417 1643 00. Vermeld bij de betaling: ${grouped}.`);
    expect(epcQrCaption(input, 'en')).toBe(`QR code to pay €1,234.50 to Gemeente Voorbeeld, account NL91 ABNA 0417 1643 00. Payment reference: ${grouped}.`);
    expect(epcQrCaption({ beneficiaryName: 'X', iban: IBAN }, 'nl')).toBe('QR-code om te betalen aan X, rekening NL91 ABNA 0417 1643 00.');
    expect(epcQrCaption({ beneficiaryName: 'X', iban: IBAN, reference: 'Factuur 12' }, 'en')).toMatch(/Payment reference: Factuur 12\.$/);
    expect(formatIban('GB82WEST12345698765432')).toBe('GB82 WEST 1234 5698 7654 32');
  });
});

/**
 * Draws an EPC payload as a QR code, SVG for the debtor's page and PNG for letters and e-mail, with the
 * `qrcode` package (pure JavaScript, no native build, no download at install).
 *
 * - Error-correction level M, as EPC069-12 asks: it survives a smudged print or a glare on a screen
 *   while keeping the symbol at version 13 or lower for the 331-byte maximum.
 * - The payload goes in as ONE byte-mode segment of its UTF-8 bytes. Left to itself the package splits
 *   text into numeric and alphanumeric runs; that is valid QR, but a single byte segment is what the
 *   guidelines' examples and the banking apps' readers are tested with, and it keeps the bytes exactly
 *   as built (no re-encoding of "ë").
 * - A quiet zone of 4 modules, the minimum ISO/IEC 18004 asks for, so a scanner finds the edges.
 */
import { create, toBuffer, toString, type QRCodeSegment } from 'qrcode';
import { EPC_MAX_PAYLOAD_BYTES, EpcQrError, utf8ByteLength } from './epc-qr.js';

/** EPC069-12: at most QR version 13, which is what 331 bytes need at level M. */
export const EPC_MAX_QR_VERSION = 13;
const ERROR_CORRECTION = 'M' as const;
const QUIET_ZONE_MODULES = 4;

function segments(payload: string): QRCodeSegment[] {
  const bytes = utf8ByteLength(payload);
  if (bytes > EPC_MAX_PAYLOAD_BYTES) throw new EpcQrError('payload', `the payload is ${bytes} bytes, more than ${EPC_MAX_PAYLOAD_BYTES}`);
  return [{ data: Buffer.from(payload, 'utf8'), mode: 'byte' }];
}

/** The QR symbol's version and size in modules (without quiet zone), for checks and layout. */
export function epcQrSymbol(payload: string): { version: number; modules: number } {
  const qr = create(segments(payload), { errorCorrectionLevel: ERROR_CORRECTION });
  if (qr.version > EPC_MAX_QR_VERSION) throw new EpcQrError('payload', `needs QR version ${qr.version}, more than ${EPC_MAX_QR_VERSION}`);
  return { version: qr.version, modules: qr.modules.size };
}

export interface PngOptions {
  /** Pixels per module; 8 prints sharply at 300 dpi and stays small. */
  scale?: number;
}

export async function renderEpcQrPng(payload: string, options: PngOptions = {}): Promise<Buffer> {
  epcQrSymbol(payload);
  return toBuffer(segments(payload), {
    type: 'png',
    errorCorrectionLevel: ERROR_CORRECTION,
    margin: QUIET_ZONE_MODULES,
    scale: options.scale ?? 8,
    color: { dark: '#000000ff', light: '#ffffffff' },
  });
}

export interface SvgOptions {
  /** Text for screen readers (see epcQrCaption); becomes the SVG's <title> and aria-label. */
  title?: string;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[ch]!);
}

/** The QR as an SVG document (a string), scalable for any screen; with a title it is labelled for screen readers. */
export async function renderEpcQrSvg(payload: string, options: SvgOptions = {}): Promise<string> {
  epcQrSymbol(payload);
  const svg = await toString(segments(payload), {
    type: 'svg',
    errorCorrectionLevel: ERROR_CORRECTION,
    margin: QUIET_ZONE_MODULES,
    color: { dark: '#000000ff', light: '#ffffffff' },
  });
  if (options.title == null || options.title === '') return svg;
  const title = escapeXml(options.title);
  // The package writes a bare <svg …>; role="img" with a label makes assistive technology read the
  // caption instead of announcing an unnamed graphic.
  const open = svg.indexOf('<svg ');
  const close = svg.indexOf('>', open);
  if (open === -1 || close === -1) throw new Error('unexpected SVG from the qrcode package');
  return `${svg.slice(0, open)}<svg role="img" aria-label="${title}" ${svg.slice(open + 5, close + 1)}<title>${title}</title>${svg.slice(close + 1)}`;
}

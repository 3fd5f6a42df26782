/**
 * Keyset cursors for paged lists, as GET /v1/debtors pages: the sort key of the last row, opaque to
 * clients. Stable under concurrent inserts, and each page costs the same however deep it is,
 * unlike offsets. A cursor is checked before any of it reaches SQL, so a forged one is a 400.
 */
import { AppError } from '../errors.js';

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A timestamp to the microsecond, as PostgreSQL keeps it (a JS Date would cut it to milliseconds). */
export const MICROSECOND_TIMESTAMP_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
export const ISO_DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID_PATTERN.test(value);
export const isRowId = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

export function encodeCursor(key: [string, string | number]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The [sort value, id] a cursor names; invalid_parameter when it is not one this service made. */
export function decodeCursor<T>(cursor: string, first: RegExp, second: (value: unknown) => value is T): [string, T] {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key) && key.length === 2 && typeof key[0] === 'string' && first.test(key[0]) && second(key[1])) return [key[0], key[1]];
  } catch {
    // fall through: the same answer as any other foreign cursor
  }
  throw new AppError('invalid_parameter', 'cursor is not a nextCursor this list returned', { errors: [{ in: 'query', pointer: '/cursor', message: 'unknown cursor' }] });
}

/**
 * Days in a time zone: per-day limits count and reset on the tenant's calendar day, not UTC's, so a
 * debtor's upload at 00:30 in Amsterdam belongs to the new day. Uses the platform's IANA data (Intl).
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** The wall-clock time in the zone at this instant, as if it were UTC (milliseconds). */
function wallClockMs(instant: number, zone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(zone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
}

/** The instant at which the zone's clock shows this wall-clock time (midnights never fall in a DST gap in the zones we serve). */
function instantOfWallClock(wallMs: number, zone: string): number {
  // Two rounds settle the offset even when the guess lands on the other side of a DST change.
  let instant = wallMs - (wallClockMs(wallMs, zone) - wallMs);
  instant = wallMs - (wallClockMs(instant, zone) - instant);
  return instant;
}

export interface ZonedDay {
  /** The calendar date in the zone (YYYY-MM-DD). */
  date: string;
  start: Date;
  /** The next day's start (exclusive end of this day). */
  end: Date;
}

/** The calendar day in `zone` that contains `now`, as an instant range. */
export function zonedDay(now: Date, zone: string): ZonedDay {
  const wall = wallClockMs(now.getTime() - (now.getTime() % 1000), zone);
  const midnight = wall - (((wall % 86_400_000) + 86_400_000) % 86_400_000);
  return {
    date: new Date(midnight).toISOString().slice(0, 10),
    start: new Date(instantOfWallClock(midnight, zone)),
    end: new Date(instantOfWallClock(midnight + 86_400_000, zone)),
  };
}

/** Whole seconds from `now` until the next midnight in `zone` (at least 1: a client must wait). */
export function secondsUntilNextDay(now: Date, zone: string): number {
  return Math.max(1, Math.ceil((zonedDay(now, zone).end.getTime() - now.getTime()) / 1000));
}

/**
 * Faults the sandbox bank can be told to produce, so a client's handling of a misbehaving bank is
 * tested over the network as it will meet it: rate limiting with Retry-After, server errors, slow
 * answers, bodies that do not parse, paging links that lead nowhere, and a consent the PSU revoked in
 * the bank's own app. Faults apply to the XS2A endpoints (/v1/...) only, never to the SCA page or to
 * this admin interface, and are consumed in the order they were injected.
 */
export type FaultKind =
  /** 429 with Retry-After (the bank throttles; not the frequencyPerDay limit, which has no Retry-After). */
  | 'rate-limit'
  /** 500 or 503 (503 with Retry-After when retryAfterSeconds is given). */
  | 'server-error'
  /** The normal answer, after delayMs. */
  | 'slow'
  /** The normal status and headers, but the JSON body cut off halfway. */
  | 'truncated'
  /** A transactions page whose _links.next points at a page that does not exist. */
  | 'broken-next-link';

export interface FaultSpec {
  kind: FaultKind;
  /** How many matching calls get the fault (default 1). */
  times?: number;
  /** Only calls whose path (without query) matches: a RegExp, or its source as a string. */
  path?: RegExp | string;
  method?: string;
  /** server-error: 500 (default) or 503. */
  status?: 500 | 503;
  retryAfterSeconds?: number;
  /** slow: how long to wait before answering (default 2000). */
  delayMs?: number;
}

export interface ActiveFault {
  id: number;
  kind: FaultKind;
  remaining: number;
  path: RegExp | null;
  method: string | null;
  status: 500 | 503;
  retryAfterSeconds: number | null;
  delayMs: number;
}

const KINDS: readonly FaultKind[] = ['rate-limit', 'server-error', 'slow', 'truncated', 'broken-next-link'];

export class FaultSpecError extends Error {}

export class SandboxFaults {
  private faults: ActiveFault[] = [];
  private nextId = 1;

  /** @param revoke ends a consent as the PSU would at the bank (status revokedByPsu). */
  constructor(private readonly revoke: (consentId: string) => boolean) {}

  inject(spec: FaultSpec): ActiveFault {
    if (!KINDS.includes(spec.kind)) throw new FaultSpecError(`kind must be one of ${KINDS.join(', ')}`);
    const times = spec.times ?? 1;
    if (!Number.isInteger(times) || times < 1 || times > 10_000) throw new FaultSpecError('times must be a whole number from 1 to 10000');
    if (spec.status !== undefined && spec.status !== 500 && spec.status !== 503) throw new FaultSpecError('status must be 500 or 503');
    if (spec.retryAfterSeconds !== undefined && (!Number.isInteger(spec.retryAfterSeconds) || spec.retryAfterSeconds < 0)) throw new FaultSpecError('retryAfterSeconds must be a whole number ≥ 0');
    if (spec.delayMs !== undefined && (!Number.isInteger(spec.delayMs) || spec.delayMs < 0 || spec.delayMs > 600_000)) throw new FaultSpecError('delayMs must be a whole number from 0 to 600000');
    let path: RegExp | null = null;
    if (spec.path instanceof RegExp) path = spec.path;
    else if (typeof spec.path === 'string') {
      try {
        path = new RegExp(spec.path);
      } catch {
        throw new FaultSpecError('path must be a regular expression');
      }
    }
    const fault: ActiveFault = {
      id: this.nextId++,
      kind: spec.kind,
      remaining: times,
      path,
      method: spec.method ? spec.method.toUpperCase() : null,
      status: spec.status ?? 500,
      retryAfterSeconds: spec.retryAfterSeconds ?? (spec.kind === 'rate-limit' ? 1 : null),
      delayMs: spec.delayMs ?? 2000,
    };
    this.faults.push(fault);
    return fault;
  }

  /** The PSU revoked the consent in the bank's app: status revokedByPsu, reads answer 401 CONSENT_INVALID. */
  revokeAtBank(consentId: string): boolean {
    return this.revoke(consentId);
  }

  /** Faults still waiting for calls. */
  pending(): ActiveFault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  clear(): void {
    this.faults = [];
  }

  /** The first fault that matches this call, counted as used. */
  take(method: string, path: string): ActiveFault | null {
    const index = this.faults.findIndex((f) => (f.method === null || f.method === method.toUpperCase()) && (f.path === null || f.path.test(path)));
    if (index < 0) return null;
    const fault = this.faults[index]!;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults.splice(index, 1);
    return { ...fault };
  }
}

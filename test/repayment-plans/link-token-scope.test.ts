/** Scoped debtor link tokens: a plan-offer link and a consent link are not interchangeable, and consent tokens keep their form. */
import { describe, expect, it } from 'vitest';
import { signLinkToken, signScopedLinkToken, verifyLinkToken, verifyScopedLinkToken } from '../../src/consent/link-token.js';

const SECRET = 'a-test-secret-of-enough-length-for-hmac';
const NOW = 1_800_000_000;
const payload = { tenantId: 't1', subjectId: 'offer-1', debtorId: 'd1', expiresAt: NOW + 60 };

describe('scoped link tokens', () => {
  it('verifies a plan-offer token only as a plan-offer token', () => {
    const token = signScopedLinkToken({ scope: 'plan_offer', ...payload }, SECRET);
    expect(verifyScopedLinkToken(token, SECRET, 'plan_offer', NOW)).toEqual({ scope: 'plan_offer', ...payload });
    expect(verifyScopedLinkToken(token, SECRET, 'consent', NOW)).toBeNull();
    expect(verifyLinkToken(token, SECRET, NOW)).toBeNull();
  });

  it('keeps consent tokens as they were: no scope field, and not valid for plan offers', () => {
    const consent = signLinkToken({ tenantId: 't1', consentId: 'c1', debtorId: 'd1', expiresAt: NOW + 60 }, SECRET);
    const body = JSON.parse(Buffer.from(consent.split('.')[1]!, 'base64url').toString('utf8'));
    expect(body).toEqual({ t: 't1', c: 'c1', d: 'd1', e: NOW + 60 });
    expect(verifyLinkToken(consent, SECRET, NOW)).toEqual({ tenantId: 't1', consentId: 'c1', debtorId: 'd1', expiresAt: NOW + 60 });
    expect(verifyScopedLinkToken(consent, SECRET, 'plan_offer', NOW)).toBeNull();
  });

  it.each([
    ['expired', (t: string) => t, NOW + 61],
    ['tampered scope', (t: string) => t.replace(t.split('.')[1]!, Buffer.from(JSON.stringify({ t: 't1', c: 'offer-1', d: 'd1', e: NOW + 60 })).toString('base64url')), NOW],
    ['other secret', () => signScopedLinkToken({ scope: 'plan_offer', ...payload }, 'another-secret-another-secret-another'), NOW],
  ])('refuses a token that is %s', (_label, alter, now) => {
    const token = alter(signScopedLinkToken({ scope: 'plan_offer', ...payload }, SECRET));
    expect(verifyScopedLinkToken(token, SECRET, 'plan_offer', now)).toBeNull();
  });
});

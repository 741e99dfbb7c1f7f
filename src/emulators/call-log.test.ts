import crypto from 'node:crypto';
import { credentialMarker, maskFields } from './call-log';

describe('credentialMarker', () => {
  afterEach(() => jest.restoreAllMocks());

  it('keeps the scheme and replaces the credential with a fingerprint, the same for the same value', () => {
    const marker = credentialMarker('Bearer a-secret-token');
    expect(marker).toMatch(/^Bearer \[redacted [0-9a-f]{16}\]$/);
    expect(marker).not.toContain('a-secret-token');
    expect(credentialMarker('Bearer a-secret-token')).toBe(marker);
    expect(credentialMarker('Bearer another-token')).not.toBe(marker);
    expect(maskFields({ 'x-api-key': 'key-1', accept: 'application/json' })).toEqual({ 'x-api-key': credentialMarker('key-1'), accept: 'application/json' });
  });

  it('computes the fingerprint of a credential once, and again only after 256 other credentials pushed it out', () => {
    const hmac = jest.spyOn(crypto, 'createHmac');
    const first = credentialMarker('Bearer remembered-once');
    expect(hmac).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 50; i++) expect(credentialMarker('Bearer remembered-once')).toBe(first);
    expect(hmac).toHaveBeenCalledTimes(1);

    for (let i = 0; i < 256; i++) credentialMarker(`Bearer filler-${i}`);
    expect(hmac).toHaveBeenCalledTimes(257);
    expect(credentialMarker('Bearer remembered-once')).toBe(first);
    expect(hmac).toHaveBeenCalledTimes(258);
  });
});

import { locatedError } from 'graphql';
import { UpstreamAuthError, UpstreamBudgetExceededError, UpstreamCircuitOpenError, UpstreamProtocolError, UpstreamRateLimitedError, UpstreamStatusError } from '../providers/http/errors';
import { ProviderReadError } from '../providers/read-error';
import { ProviderRejection } from '../providers/rejection';
import { BadUserInputError } from './domain-errors';
import { errorLogEntry, formatError } from './format-error';

const call = { provider: 'verifa' as const, method: 'GET', pathTemplate: '/identities/{id}' };
/** As a resolver's error reaches formatError: located at its field. */
const format = (error: unknown) => formatError({ message: (error as Error).message, path: ['identity'] }, locatedError(error, undefined, ['identity']));

describe('formatError: what clients see', () => {
  it('masks an unknown failure as INTERNAL_SERVER_ERROR with a generic message', () => {
    const formatted = format(new Error('SELECT * FROM users WHERE email = "someone@example.com"'));
    expect(formatted).toEqual({ message: 'Internal server error.', path: ['identity'], locations: undefined, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });

  it('keeps documented codes and their messages, without stack traces', () => {
    const error = new BadUserInputError('first must be between 1 and 100; got 0.', 'first');
    const formatted = formatError({ message: error.message, extensions: { code: 'BAD_USER_INPUT', field: 'first', stacktrace: ['at x'] } }, error);
    expect(formatted.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(formatted.message).toBe(error.message);
  });

  it('maps each upstream failure kind to its PROVIDER_* code, never passing the upstream body', () => {
    const body = { error: 'x', detail: 'ssn 078-05-1120 of someone@example.com', status_code: 422 };
    expect(format(new UpstreamRateLimitedError({ ...call, status: 429 }, 1000)).extensions).toEqual({ code: 'PROVIDER_RATE_LIMITED', provider: 'VERIFA', retryable: true });
    expect(format(new UpstreamCircuitOpenError(call)).extensions).toEqual({ code: 'PROVIDER_UNAVAILABLE', provider: 'VERIFA', retryable: true });
    expect(format(new UpstreamAuthError({ ...call, status: 401 })).extensions).toEqual({ code: 'PROVIDER_ERROR', provider: 'VERIFA', retryable: false });
    const status = format(new UpstreamStatusError({ ...call, status: 422 }, body, 'x'));
    expect(status.extensions).toEqual({ code: 'PROVIDER_ERROR', provider: 'VERIFA', retryable: false });
    expect(JSON.stringify(status)).not.toMatch(/078-05-1120|someone@example\.com/);
  });

  it('shows a call beyond the request budget as BAD_USER_INPUT naming the budget, not as a provider failure', () => {
    const formatted = format(new UpstreamBudgetExceededError(call, 200));
    expect(formatted.extensions).toEqual({ code: 'BAD_USER_INPUT', provider: 'VERIFA', retryable: false, upstreamBudget: 200 });
    expect(formatted.message).toContain('budget of 200 upstream calls');
    expect(formatted.path).toEqual(['identity']);
  });

  it('shows a provider refusal in a query as PROVIDER_ERROR with its provider code', () => {
    const rejection = new ProviderRejection({ provider: 'btcdirect', providerCode: 'ER705', message: 'User identifier is not linked to a user.' });
    expect(format(rejection)).toMatchObject({ message: 'User identifier is not linked to a user.', extensions: { code: 'PROVIDER_ERROR', provider: 'BTCDIRECT', providerCode: 'ER705' } });
  });
});

describe('errorLogEntry: what the operation log says about an error', () => {
  const located = (error: Error, path: (string | number)[]) => locatedError(error, undefined, path);

  it('names the class, the field path and the provider of an internal failure, never its message', () => {
    const bug = new ProviderReadError('verifa', new TypeError("Cannot read properties of undefined (reading 'alice.martin@example.com')"));
    const entry = errorLogEntry(located(bug, ['identity', 'linkedAccounts', 0, 'identity']));
    expect(entry).toEqual({ code: 'INTERNAL_SERVER_ERROR', errorClass: 'TypeError', path: 'identity.linkedAccounts.0.identity', provider: 'verifa' });
    expect(JSON.stringify(entry)).not.toContain('alice.martin');
  });

  it('an unknown error outside any provider: class and path, no provider', () => {
    expect(errorLogEntry(located(new RangeError('078-05-1120'), ['identities']))).toEqual({
      code: 'INTERNAL_SERVER_ERROR',
      errorClass: 'RangeError',
      path: 'identities',
      provider: null,
    });
  });

  it('a provider failure: its code, class, provider and the call, without the upstream body', () => {
    const protocol = new UpstreamProtocolError({ ...call, status: 200 }, 'the answer does not have the documented shape');
    expect(errorLogEntry(located(protocol, ['identity']))).toEqual({
      code: 'PROVIDER_ERROR',
      errorClass: 'UpstreamProtocolError',
      path: 'identity',
      provider: 'verifa',
      upstream: { call: 'GET /identities/{id}', status: 200 },
    });
    const status = new UpstreamStatusError({ ...call, status: 422 }, { detail: 'ssn 078-05-1120' }, 'validation_error');
    expect(JSON.stringify(errorLogEntry(located(status, ['identity'])))).not.toContain('078-05-1120');
  });
});

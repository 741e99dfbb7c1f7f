import type { EmulatorRequest, EmulatorResponse } from '../harness';
import { DEMO_CREDENTIALS } from '../seed';
import { btcError } from './errors';
import type { BtcDirectStore, BtcDirectUser } from './store';
import type { BtcDirectTokens } from './tokens';

/**
 * BTC Direct's two authentication layers (contract A1): the client layer (exactly one of a partner
 * JWT in `Authorization` or an `X-Api-Key`) and the user layer (`User-Authorization` with a user
 * JWT and/or a linked `User-Identifier`).
 */
export interface AuthContext {
  store: BtcDirectStore;
  tokens: BtcDirectTokens;
}

/** Checks the client layer; answers the ER error when it fails, undefined when it passes. */
export async function checkClientLayer(req: EmulatorRequest, context: AuthContext): Promise<EmulatorResponse | undefined> {
  const authorization = header(req, 'authorization');
  const apiKey = header(req, 'x-api-key');
  // (inferred) sending both client methods is what "Multiple authorization methods used." means.
  if (authorization && apiKey !== undefined) return btcError('ER803');
  if (apiKey !== undefined) {
    // (inferred) an empty X-Api-Key header counts as "API key not found".
    if (apiKey === '') return btcError('ER806');
    return apiKey === DEMO_CREDENTIALS.btcdirect.apiKey ? undefined : btcError('ER805');
  }
  // (inferred) no client method at all is "Authorization token not found".
  if (!authorization) return btcError('ER802');
  const token = bearerToken(authorization);
  if (!token) return btcError('ER800');
  const check = await context.tokens.verify(token, 'partner');
  if (check.ok) return undefined;
  return btcError(check.problem === 'expired' ? 'ER801' : 'ER800');
}

export interface UserLayerRules {
  /** The endpoint needs `User-Authorization`; a `User-Identifier` alone is not enough. */
  requireUserToken: boolean;
}

export interface AuthenticatedUser {
  user: BtcDirectUser;
  /** The user token, when the user was named by `User-Authorization`. */
  token?: string;
}

/** Resolves the user the headers name, or answers the ER error that says why none is named. */
export async function resolveUser(
  req: EmulatorRequest,
  context: AuthContext,
  rules: UserLayerRules,
): Promise<AuthenticatedUser | EmulatorResponse> {
  const userAuthorization = header(req, 'user-authorization');
  const identifier = header(req, 'user-identifier');
  if (!userAuthorization && rules.requireUserToken) return btcError('ER700');

  let named: AuthenticatedUser | undefined;
  if (userAuthorization) {
    const verified = await userFromToken(userAuthorization, context);
    if ('status' in verified) return verified;
    named = verified;
  }
  if (identifier) {
    const owner = context.store.ownerOf(identifier);
    if (!owner) return btcError('ER705');
    if (named && named.user.id !== owner.id) return btcError('ER703');
    named ??= { user: owner };
  }
  // (inferred) neither user header: "User authorization token not found." rather than ER704.
  if (!named) return btcError('ER700');
  return named.user.deleted ? btcError('ER709') : named;
}

async function userFromToken(headerValue: string, context: AuthContext): Promise<AuthenticatedUser | EmulatorResponse> {
  const token = bearerToken(headerValue);
  if (!token) return btcError('ER702');
  const check = await context.tokens.verify(token, 'user');
  if (!check.ok) return btcError(check.problem === 'expired' ? 'ER701' : 'ER702');
  const user = context.store.userById(check.subject);
  return user ? { user, token } : btcError('ER709');
}

function bearerToken(headerValue: string): string | undefined {
  return /^Bearer (\S+)$/i.exec(headerValue)?.[1];
}

function header(req: EmulatorRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

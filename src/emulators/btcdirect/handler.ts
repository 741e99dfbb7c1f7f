import { randomBytes } from 'node:crypto';
import type { EmulatorHandler, EmulatorRequest, EmulatorResponse } from '../harness';
import { DEMO_CREDENTIALS } from '../seed';
import { checkClientLayer, resolveUser, type AuthContext } from './auth';
import { btcError, btcErrors, errorCodesOf, type ErCode } from './errors';
import type { BtcDirectUser } from './store';

/** How a successful link-identifier answers (its body is undocumented). */
export type LinkIdentifierSuccess = 'empty' | 'text' | 'json';

/** Answers a test may switch at run time, where the docs leave the real API's form open. */
export interface BtcDirectAnswers {
  linkIdentifierSuccess: LinkIdentifierSuccess;
}

export interface BtcDirectContext extends AuthContext {
  answers: BtcDirectAnswers;
}

interface BtcDirectRoute {
  method: string;
  path: string;
  handle: (req: EmulatorRequest, context: BtcDirectContext) => Promise<EmulatorResponse>;
}

const IDENTIFIER_MIN_LENGTH = 36;
// (inferred from the ER102/ER707 texts; the schema allows up to 1024)
const IDENTIFIER_MAX_LENGTH = 255;
const IDENTIFIER_PATTERN = /^[A-Za-z0-9]+$/;

export const BTCDIRECT_ROUTES: readonly BtcDirectRoute[] = [
  { method: 'POST', path: '/api/v1/authenticate', handle: authenticatePartner },
  { method: 'POST', path: '/api/v1/refresh', handle: refreshTokens },
  { method: 'POST', path: '/api/v1/user/login', handle: loginUser },
  { method: 'POST', path: '/api/v1/user/logout', handle: logoutUser },
  { method: 'GET', path: '/api/v1/user/info', handle: userInfo },
  { method: 'POST', path: '/api/v2/user/link-identifier', handle: linkIdentifier },
];

export function createBtcDirectHandler(context: BtcDirectContext): EmulatorHandler {
  return async (req) => {
    const route = BTCDIRECT_ROUTES.find((candidate) => candidate.method === req.method && candidate.path === req.path);
    // (inferred) an unknown path or method: a bare 404, no ER body.
    if (!route) return { status: 404 };
    try {
      return await route.handle(req, context);
    } catch {
      return btcError('ER999');
    }
  };
}

/** POST /api/v1/authenticate: partner credentials → partner token pair. */
async function authenticatePartner(req: EmulatorRequest, context: AuthContext): Promise<EmulatorResponse> {
  const { username, password } = bodyFields(req);
  const partner = DEMO_CREDENTIALS.btcdirect;
  // (inferred) wrong partner credentials answer 401 with ER800.
  if (username !== partner.username || password !== partner.password) return btcError('ER800');
  return { status: 200, json: await context.tokens.issuePair('partner', partner.username) };
}

/** POST /api/v1/refresh: refreshes partner and user tokens alike. */
async function refreshTokens(req: EmulatorRequest, context: AuthContext): Promise<EmulatorResponse> {
  const { refreshToken } = bodyFields(req);
  const pair = typeof refreshToken === 'string' ? await context.tokens.refresh(refreshToken) : undefined;
  // (inferred) an unknown or expired refresh token answers 401 with ER800.
  return pair ? { status: 200, json: pair } : btcError('ER800');
}

/** POST /api/v1/user/login: accepts `email` (docs) or `emailAddress` (flutter SDK). */
async function loginUser(req: EmulatorRequest, context: AuthContext): Promise<EmulatorResponse> {
  const refused = await checkClientLayer(req, context);
  if (refused) return refused;
  const { email, emailAddress, password } = bodyFields(req);
  const login = email ?? emailAddress;
  const user =
    typeof login === 'string' && typeof password === 'string' ? context.store.authenticate(login, password) : undefined;
  // (inferred) a deleted account cannot log in either.
  if (!user || user.deleted) return btcError('ER005');
  const pair = await context.tokens.issuePair('user', user.id);
  return { status: 200, json: { ...pair, identifier: loginIdentifier(user, context) } };
}

/** POST /api/v1/user/logout: invalidates the user token. */
async function logoutUser(req: EmulatorRequest, context: AuthContext): Promise<EmulatorResponse> {
  const refused = await checkClientLayer(req, context);
  if (refused) return refused;
  const named = await resolveUser(req, context, { requireUserToken: true });
  if ('status' in named) return named;
  if (named.token) await context.tokens.revoke(named.token);
  // (inferred) status and body of a successful logout.
  return { status: 200, json: {} };
}

/** GET /api/v1/user/info: the user the headers name (no id in the path). */
async function userInfo(req: EmulatorRequest, context: AuthContext): Promise<EmulatorResponse> {
  const refused = await checkClientLayer(req, context);
  if (refused) return refused;
  const named = await resolveUser(req, context, { requireUserToken: false });
  if ('status' in named) return named;
  return { status: 200, json: userInfoOf(named.user) };
}

/** POST /api/v2/user/link-identifier: links a partner identifier to the logged-in user. */
async function linkIdentifier(req: EmulatorRequest, context: BtcDirectContext): Promise<EmulatorResponse> {
  const refused = await checkClientLayer(req, context);
  if (refused) return refused;
  const named = await resolveUser(req, context, { requireUserToken: true });
  const checked = checkIdentifier(bodyFields(req).identifier);
  if ('status' in named || 'code' in checked) {
    // (inferred) the user and the identifier are both checked and refused in one body; the docs'
    // error example for this operation carries several codes at once.
    const codes = [...('status' in named ? errorCodesOf(named) : []), ...('code' in checked ? [checked.code] : [])];
    return btcErrors(codes as [ErCode, ...ErCode[]]);
  }
  const { identifier } = checked;

  const owner = context.store.ownerOf(identifier);
  // (inferred) an identifier in use by another account is ER706; linking it again to the same
  // user is a successful no-op.
  if (owner && owner.id !== named.user.id) return btcError('ER706');
  if (!owner) {
    if (named.user.pendingDocument) return btcError('ER708');
    context.store.linkIdentifier(named.user.id, identifier);
  }
  return linkedAnswer(context.answers.linkIdentifierSuccess);
}

/** BTC Direct's rules for an identifier: ER053 missing, ER102 length, ER707 characters. */
function checkIdentifier(identifier: unknown): { identifier: string } | { code: ErCode } {
  if (identifier === undefined || identifier === null || identifier === '') return { code: 'ER053' };
  if (typeof identifier !== 'string') return { code: 'ER707' };
  if (identifier.length < IDENTIFIER_MIN_LENGTH || identifier.length > IDENTIFIER_MAX_LENGTH) return { code: 'ER102' };
  return IDENTIFIER_PATTERN.test(identifier) ? { identifier } : { code: 'ER707' };
}

/**
 * (inferred) "User identifier linked successfully." is documented without status or body: 200
 * with an empty body by default, or that sentence as text/plain, or an empty JSON object.
 */
function linkedAnswer(form: LinkIdentifierSuccess): EmulatorResponse {
  if (form === 'text') return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, text: 'User identifier linked successfully.' };
  return form === 'json' ? { status: 200, json: {} } : { status: 200 };
}

/**
 * (inferred) The identifier returned by login: the user's first linked identifier, or a new one
 * linked to the user on the spot when they have none yet.
 */
function loginIdentifier(user: BtcDirectUser, context: AuthContext): string {
  const [first] = context.store.identifiersOf(user.id);
  if (first) return first;
  // 64 hex characters, the form of the documented example.
  const identifier = randomBytes(32).toString('hex');
  context.store.linkIdentifier(user.id, identifier);
  return identifier;
}

/** The body's fields; (inferred) a missing, malformed or non-object body counts as one without fields. */
function bodyFields(req: EmulatorRequest): Record<string, unknown> {
  const isObject = typeof req.body === 'object' && req.body !== null && !Array.isArray(req.body);
  return isObject ? (req.body as Record<string, unknown>) : {};
}

/** The user info payload (field names from the flutter SDK's UserInfoModel; values inferred). */
function userInfoOf(user: BtcDirectUser): Record<string, unknown> {
  const documentStatus = user.pendingDocument ? 'pending' : 'validated';
  return {
    emailAddress: user.email,
    firstName: user.firstName,
    lastName: user.lastName,
    region: user.region,
    phoneNumber: user.phoneNumber,
    registrationDate: user.registrationDate,
    activationDate: user.activationDate,
    isBusiness: user.isBusiness,
    limits: { buy: weeklyLimit(10_000), sell: weeklyLimit(10_000) },
    enabledIbanAccounts: user.enabledIbanAccounts,
    enabledWalletAddresses: user.enabledWalletAddresses,
    status: {
      status: 'validated',
      description: 'The account is verified.',
      details: {
        amld5VerificationStatus: 'validated',
        emailAddressVerificationStatus: 'validated',
        identityVerificationStatus: 'validated',
        privacyAgreementVerificationStatus: 'validated',
        identityDocumentVerificationStatus: [documentStatus],
      },
    },
  };
}

function weeklyLimit(amount: number): Record<string, unknown> {
  return {
    limit: { amount, currencyCode: 'EUR' },
    remaining: { amount, currencyCode: 'EUR' },
    interval: 'weekly',
  };
}

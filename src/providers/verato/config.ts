import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError, integer, oneOf, providerSettings, quote, secretOrPair, type EnvReader, type ProviderSettings } from '../../env';
import { DEFAULT_SOURCE_MAP, parseSourceMap, type SourceMap } from './source-map';
import { stackOfPath, VERATO_STACK_NAMES, VERATO_STACKS, type VeratoStack } from './stacks';

export type VeratoAuth = { kind: 'bearer'; token: string } | { kind: 'basic'; username: string; password: string };

/** PEM contents for the TLS connection: a client certificate and its key (mutual TLS), and/or the CA to trust. */
export interface VeratoTls {
  cert?: string;
  key?: string;
  ca?: string;
}

export type VeratoSettings = ProviderSettings<VeratoAuth> & {
  sourceMap: SourceMap;
  /** VERATO_STACK: which stack's base path is appended to VERATO_BASE_URL. */
  stack: VeratoStack;
  /** VERATO_CLIENT_CERT + VERATO_CLIENT_KEY, VERATO_CA; null = none. */
  tls: VeratoTls | null;
  /** VERATO_RELATIONSHIP_VERBS: the verbs of the tenant's relationship definitions. */
  relationshipVerbs: readonly string[];
  /** VERATO_NOTIFICATIONS_POLL_SECONDS: period of the /searchNotifications poller; 0 = off. */
  notificationsPollSeconds: number;
};

export const DEFAULT_NOTIFICATIONS_POLL_SECONDS = 30;
const MAX_NOTIFICATIONS_POLL_SECONDS = 3_600;

/**
 * The verbs of Verato's documented relationship-definition catalogue (contract §1.4, both
 * directions; the published list is truncated). A tenant's definitions are its own:
 * VERATO_RELATIONSHIP_VERBS names them.
 */
export const DEFAULT_RELATIONSHIP_VERBS: readonly string[] = [
  'is parent of',
  'is child of',
  'is twin of',
  'is sibling to',
  'is next of kin for',
  'is next of kin of',
  'is guardian for',
  'under guardianship of',
  'has dependent',
  'is dependent of',
  'employs',
  'is employed by',
];

/** VERATO_RELATIONSHIP_VERBS: comma-separated verbs, each trimmed; at least one. */
export function parseRelationshipVerbs(text: string | undefined): readonly string[] {
  if (text === undefined) return DEFAULT_RELATIONSHIP_VERBS;
  const verbs = [...new Set(text.split(',').map((verb) => verb.trim()).filter(Boolean))];
  if (verbs.length === 0) throw new ConfigError('VERATO_RELATIONSHIP_VERBS', 'names no verb; use e.g. "is parent of,is child of,employs,is employed by"');
  return verbs;
}

export function readVeratoConfig(read: EnvReader): VeratoSettings {
  const credential = secretOrPair(read, { secret: 'VERATO_TOKEN', pair: ['VERATO_USERNAME', 'VERATO_PASSWORD'], pairNeeds: 'Basic auth needs' });
  const auth: VeratoAuth | null =
    credential === null ? null : 'secret' in credential ? { kind: 'bearer', token: credential.secret } : { kind: 'basic', username: credential.pair[0], password: credential.pair[1] };
  const stack = oneOf(read, 'VERATO_STACK', 'person', VERATO_STACK_NAMES) as VeratoStack;
  const settings = providerSettings(read, 'VERATO', auth);
  return {
    ...settings,
    baseUrl: settings.baseUrl === null ? null : tenantRoot(settings.baseUrl, stack, read('VERATO_STACK') !== undefined),
    sourceMap: parseSourceMap(read('VERATO_SOURCE_MAP') ?? DEFAULT_SOURCE_MAP),
    stack,
    tls: readTls(read),
    relationshipVerbs: parseRelationshipVerbs(read('VERATO_RELATIONSHIP_VERBS')),
    notificationsPollSeconds: integer(read, 'VERATO_NOTIFICATIONS_POLL_SECONDS', DEFAULT_NOTIFICATIONS_POLL_SECONDS, 0, MAX_NOTIFICATIONS_POLL_SECONDS),
  };
}

/**
 * VERATO_BASE_URL is the tenant's address; a URL that already ends with a stack's base path (the
 * form of earlier versions) loses it, and must name the configured stack.
 */
function tenantRoot(baseUrl: string, stack: VeratoStack, stackIsExplicit: boolean): string {
  const url = new URL(baseUrl);
  const named = stackOfPath(url.pathname);
  if (named === undefined) return baseUrl;
  if (named !== stack) {
    throw new ConfigError(
      'VERATO_BASE_URL',
      `ends with the ${named} stack's ${VERATO_STACKS[named].basePath} but VERATO_STACK is ${stackIsExplicit ? stack : `unset (${stack})`}; set VERATO_STACK=${named} or give the tenant address without the path`,
    );
  }
  return baseUrl.slice(0, baseUrl.length - VERATO_STACKS[named].basePath.length);
}

function readTls(read: EnvReader): VeratoTls | null {
  const certPath = read('VERATO_CLIENT_CERT');
  const keyPath = read('VERATO_CLIENT_KEY');
  const caPath = read('VERATO_CA');
  if ((certPath === undefined) !== (keyPath === undefined)) {
    throw new ConfigError(certPath ? 'VERATO_CLIENT_KEY' : 'VERATO_CLIENT_CERT', 'mutual TLS needs both VERATO_CLIENT_CERT and VERATO_CLIENT_KEY (PEM file paths)');
  }
  const tls: VeratoTls = {};
  if (certPath !== undefined && keyPath !== undefined) {
    tls.cert = pemFile('VERATO_CLIENT_CERT', certPath, 'certificate');
    tls.key = pemFile('VERATO_CLIENT_KEY', keyPath, 'private key');
    if (!new X509Certificate(tls.cert).checkPrivateKey(createPrivateKey(tls.key))) {
      throw new ConfigError('VERATO_CLIENT_KEY', 'is not the private key of the certificate in VERATO_CLIENT_CERT');
    }
  }
  if (caPath !== undefined) tls.ca = pemFile('VERATO_CA', caPath, 'certificate');
  return Object.keys(tls).length > 0 ? tls : null;
}

/** A PEM file's content, checked to parse; messages name the variable and path, never the content. */
function pemFile(variable: string, path: string, kind: 'certificate' | 'private key'): string {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(variable, `${quote(path)} cannot be read (${(error as { code?: string }).code ?? 'error'}); give the path of a PEM file`);
  }
  try {
    if (kind === 'certificate') new X509Certificate(content);
    else createPrivateKey(content);
  } catch {
    throw new ConfigError(variable, `${quote(path)} does not hold a PEM ${kind === 'certificate' ? 'certificate' : 'unencrypted private key'}`);
  }
  return content;
}

/** Its lines of `npm start -- --help`. */
export const VERATO_HELP = [
  '  VERATO_BASE_URL           tenant address, e.g. https://cust1234.verato-connect.com (Provider tenants: https://cust1234-provider.verato-connect.com)',
  '  VERATO_STACK              person (default), provider or organization: base path /link-ws/svc, /provider-link-ws/svc or /org-link-ws/svc',
  '  VERATO_TOKEN | VERATO_USERNAME + VERATO_PASSWORD',
  '  VERATO_CLIENT_CERT + VERATO_CLIENT_KEY   PEM files of the client certificate for mutual TLS',
  '  VERATO_CA                 PEM file of the CA(s) to trust for Verato (default: the system CAs)',
  '  VERATO_SOURCE_MAP         Verato source code per provider (VERIFA=verifa,AUTH0=auth0,BTCDIRECT=btcdirect)',
  '  VERATO_RELATIONSHIP_VERBS the verbs of the tenant\'s relationship definitions, comma-separated (default: Verato\'s catalogue)',
  '  VERATO_NOTIFICATIONS_POLL_SECONDS  period of the /searchNotifications poll that drops cached Verato records changed outside the subgraph (default 30; 0 = off)',
];

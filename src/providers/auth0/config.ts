import { ConfigError, httpUrl, providerSettings, quote, secretOrPair, type EnvReader, type ProviderSettings } from '../../env';

export type Auth0Auth = { kind: 'client_credentials'; clientId: string; clientSecret: string } | { kind: 'static_token'; token: string };

export type Auth0Settings = ProviderSettings<Auth0Auth> & {
  /**
   * Client ids of the Auth0 applications whose ID tokens prove account ownership in `linkWith`;
   * null = unset (the emulator's demo application when embedded, none against a real tenant).
   */
  idTokenAudiences: string[] | null;
  /**
   * For a tenant reached through a custom domain (AUTH0_BASE_URL): the Management API audience
   * the client-credentials token is asked for, and the `iss` of the tenant's ID tokens. null =
   * derived from the base URL (`<base>/api/v2/`, `<base>/`).
   */
  managementAudience: string | null;
  idTokenIssuer: string | null;
};

export function readAuth0Config(read: EnvReader): Auth0Settings {
  const credential = secretOrPair(read, { secret: 'AUTH0_MGMT_TOKEN', pair: ['AUTH0_CLIENT_ID', 'AUTH0_CLIENT_SECRET'], pairNeeds: 'client credentials need' });
  const auth: Auth0Auth | null =
    credential === null
      ? null
      : 'secret' in credential
        ? { kind: 'static_token', token: credential.secret }
        : { kind: 'client_credentials', clientId: credential.pair[0], clientSecret: credential.pair[1] };
  return {
    ...providerSettings(read, 'AUTH0', auth),
    idTokenAudiences: clientIdList(read, 'AUTH0_ID_TOKEN_AUDIENCES'),
    managementAudience: urlSetting(read, 'AUTH0_MGMT_AUDIENCE'),
    idTokenIssuer: urlSetting(read, 'AUTH0_ID_TOKEN_ISSUER'),
  };
}

/** The audience and issuer of a tenant at `baseUrl`, unless configured (Auth0's issuers end in `/`). */
export function tenantIdentity(baseUrl: string, settings: Pick<Auth0Settings, 'managementAudience' | 'idTokenIssuer'>): { managementAudience: string; idTokenIssuer: string } {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    managementAudience: settings.managementAudience ?? `${base}/api/v2/`,
    idTokenIssuer: settings.idTokenIssuer ? settings.idTokenIssuer.replace(/\/*$/, '/') : `${base}/`,
  };
}

function urlSetting(read: EnvReader, name: string): string | null {
  const value = read(name);
  if (value === undefined) return null;
  httpUrl(name, value);
  return value;
}

/** Auth0 client ids (letters, digits, `-`, `_`, `.`); a URL such as the Management API audience is refused. */
function clientIdList(read: EnvReader, name: string): string[] | null {
  const raw = read(name);
  if (raw === undefined) return null;
  const ids = raw.split(',').map((id) => id.trim());
  const bad = ids.find((id) => !/^[A-Za-z0-9._-]{1,128}$/.test(id));
  if (bad !== undefined) {
    const problem = bad === '' ? 'has an empty entry' : `has ${quote(bad)}, which is not an application client id`;
    throw new ConfigError(name, `${problem}; give the comma-separated client ids of the Auth0 applications whose ID tokens may prove ownership (not an API audience)`);
  }
  return [...new Set(ids)];
}

/** Its lines of `npm start -- --help`. */
export const AUTH0_HELP = [
  '  AUTH0_BASE_URL            e.g. https://TENANT.auth0.com;  AUTH0_CLIENT_ID + AUTH0_CLIENT_SECRET | AUTH0_MGMT_TOKEN',
  '  AUTH0_ID_TOKEN_AUDIENCES  client ids of the Auth0 applications whose ID tokens prove ownership in linkWith',
  '                            (comma-separated; unset with a real Auth0: self-service linking is off)',
  '  AUTH0_MGMT_AUDIENCE       Management API audience of the client-credentials token (default AUTH0_BASE_URL/api/v2/;',
  '                            set it when AUTH0_BASE_URL is a custom domain: https://TENANT.auth0.com/api/v2/)',
  '  AUTH0_ID_TOKEN_ISSUER     iss of the tenant\'s ID tokens checked in linkWith (default AUTH0_BASE_URL/)',
];

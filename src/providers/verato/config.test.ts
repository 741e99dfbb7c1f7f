import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateTestCertificates, type TestCertificates } from '../../../test/support/tls-certs';
import { ConfigError, envReader } from '../../env';
import { readVeratoConfig } from './config';

const TENANT = 'https://cust1234.verato-connect.example';

const read = (env: Record<string, string>) => readVeratoConfig(envReader({ VERATO_BASE_URL: TENANT, VERATO_TOKEN: 'tok', ...env }));

function configErrorOf(env: Record<string, string>): ConfigError {
  try {
    read(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).not.toMatch(/[\r\n]/);
    return error as ConfigError;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe('VERATO_STACK', () => {
  it('defaults to person; VERATO_BASE_URL is the tenant address', () => {
    expect(read({})).toMatchObject({ stack: 'person', baseUrl: TENANT });
    expect(read({ VERATO_STACK: 'provider' })).toMatchObject({ stack: 'provider', baseUrl: TENANT });
  });

  it('accepts a base URL ending with the configured stack path (the earlier form) and drops the path', () => {
    expect(read({ VERATO_BASE_URL: `${TENANT}/link-ws/svc` })).toMatchObject({ stack: 'person', baseUrl: TENANT });
    expect(read({ VERATO_BASE_URL: `${TENANT}/org-link-ws/svc/`, VERATO_STACK: 'organization' })).toMatchObject({ stack: 'organization', baseUrl: TENANT });
  });

  it('refuses a base URL of another stack than VERATO_STACK, naming both', () => {
    const error = configErrorOf({ VERATO_BASE_URL: `${TENANT}/provider-link-ws/svc` });
    expect(error.variable).toBe('VERATO_BASE_URL');
    expect(error.message).toMatch(/provider stack.*VERATO_STACK is unset \(person\).*VERATO_STACK=provider/);
    expect(configErrorOf({ VERATO_BASE_URL: `${TENANT}/link-ws/svc`, VERATO_STACK: 'provider' }).message).toContain('VERATO_STACK is provider');
  });

  it('refuses an unknown stack', () => {
    const error = configErrorOf({ VERATO_STACK: 'practitioner' });
    expect(error.variable).toBe('VERATO_STACK');
    expect(error.message).toContain('person, provider, organization');
  });
});

describe('VERATO_CLIENT_CERT, VERATO_CLIENT_KEY, VERATO_CA', () => {
  let certs: TestCertificates;
  beforeAll(() => {
    certs = generateTestCertificates();
    writeFileSync(join(certs.dir, 'not-a-pem.txt'), 'SECRET-CONTENT-NEVER-SHOWN\n');
  });
  afterAll(() => certs.remove());

  it('none set: no TLS settings', () => {
    expect(read({}).tls).toBeNull();
  });

  it('reads the certificate, key and CA files', () => {
    const { tls } = read({ VERATO_CLIENT_CERT: certs.clientCertPath, VERATO_CLIENT_KEY: certs.clientKeyPath, VERATO_CA: certs.caPath });
    expect(tls!.cert).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(tls!.key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(tls!.ca).toBe(certs.ca);
    expect(read({ VERATO_CA: certs.caPath }).tls).toEqual({ ca: certs.ca });
  });

  it.each([
    [{ VERATO_CLIENT_CERT: 'x' }, 'VERATO_CLIENT_KEY'],
    [{ VERATO_CLIENT_KEY: 'x' }, 'VERATO_CLIENT_CERT'],
  ])('needs both the certificate and the key: %p', (env, variable) => {
    expect(configErrorOf(env).variable).toBe(variable);
  });

  it('a missing file names the variable and the path', () => {
    const error = configErrorOf({ VERATO_CLIENT_CERT: '/nonexistent/client.pem', VERATO_CLIENT_KEY: certs.clientKeyPath });
    expect(error.variable).toBe('VERATO_CLIENT_CERT');
    expect(error.message).toBe('VERATO_CLIENT_CERT: "/nonexistent/client.pem" cannot be read (ENOENT); give the path of a PEM file');
    expect(configErrorOf({ VERATO_CA: certs.dir }).message).toContain('cannot be read (EISDIR)');
  });

  it('a file that is not the expected PEM names the variable, never the content', () => {
    const notPem = join(certs.dir, 'not-a-pem.txt');
    const cases: [Record<string, string>, string][] = [
      [{ VERATO_CLIENT_CERT: notPem, VERATO_CLIENT_KEY: certs.clientKeyPath }, 'VERATO_CLIENT_CERT'],
      [{ VERATO_CLIENT_CERT: certs.clientCertPath, VERATO_CLIENT_KEY: notPem }, 'VERATO_CLIENT_KEY'],
      // A certificate where the key belongs is not a key either.
      [{ VERATO_CLIENT_CERT: certs.clientCertPath, VERATO_CLIENT_KEY: certs.clientCertPath }, 'VERATO_CLIENT_KEY'],
      [{ VERATO_CA: notPem }, 'VERATO_CA'],
    ];
    for (const [env, variable] of cases) {
      const error = configErrorOf(env);
      expect(error.variable).toBe(variable);
      expect(error.message).toMatch(/does not hold a PEM/);
      expect(error.message).not.toContain('SECRET-CONTENT');
      expect(error.message).not.toContain('BEGIN');
    }
  });

  it('refuses a key that is not the certificate\'s', () => {
    const error = configErrorOf({ VERATO_CLIENT_CERT: certs.clientCertPath, VERATO_CLIENT_KEY: certs.serverKeyPath });
    expect(error.message).toBe('VERATO_CLIENT_KEY: is not the private key of the certificate in VERATO_CLIENT_CERT');
  });
});

describe('VERATO_NOTIFICATIONS_POLL_SECONDS', () => {
  it('defaults to 30; 0 turns the poll off', () => {
    expect(read({}).notificationsPollSeconds).toBe(30);
    expect(read({ VERATO_NOTIFICATIONS_POLL_SECONDS: '0' }).notificationsPollSeconds).toBe(0);
    expect(read({ VERATO_NOTIFICATIONS_POLL_SECONDS: '5' }).notificationsPollSeconds).toBe(5);
  });

  it('refuses what is not a whole number of seconds in range', () => {
    for (const value of ['-1', 'soon', '1.5', '86400']) expect(configErrorOf({ VERATO_NOTIFICATIONS_POLL_SECONDS: value }).message).toContain('VERATO_NOTIFICATIONS_POLL_SECONDS');
  });
});

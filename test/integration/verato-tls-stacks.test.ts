import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { GetIdentityDocument, LinkIdentitiesDocument } from '../../generated/graphql';
import { startAuth0Emulator } from '../../src/emulators/auth0/emulator';
import { startBtcDirectEmulator } from '../../src/emulators/btcdirect/emulator';
import { DEMO_CREDENTIALS, DEMO_PEOPLE, DEMO_STANDALONE_AUTH0_USERS } from '../../src/emulators/seed';
import { startVeratoEmulator, type VeratoEmulatorOptions } from '../../src/emulators/verato/emulator';
import { startVerifaEmulator } from '../../src/emulators/verifa/emulator';
import type { Emulators } from '../support/emulator-env';
import { startStackOver, type Stack } from '../support/stack';
import { generateTestCertificates, type TestCertificates } from '../support/tls-certs';

/**
 * Verato as the real tenants are: reached over mutual TLS (a client certificate the subgraph
 * presents), and on one of three stacks, each its own base path (VERATO_STACK).
 */

const [alice, bob] = DEMO_PEOPLE;
const [bobWork] = DEMO_STANDALONE_AUTH0_USERS;

async function emulatorsWith(verato: VeratoEmulatorOptions): Promise<Emulators> {
  const started = await Promise.all([startVeratoEmulator(verato), startVerifaEmulator(), startAuth0Emulator(), startBtcDirectEmulator()]);
  const [v, verifa, auth0, btcdirect] = started;
  return { verato: v, verifa, auth0, btcdirect, all: started, close: async () => void (await Promise.all(started.map((e) => e.close()))) };
}

/** The same emulators for a second subgraph; only the first stack's close() stops them. */
const shared = (emulators: Emulators): Emulators => ({ ...emulators, close: async () => undefined });

const veratoRead = (stack: Stack) => stack.gql(GetIdentityDocument, { id: `verato:CRM:${alice.crmId}` });

describe('Verato over mutual TLS', () => {
  let certs: TestCertificates;
  let withCert: Stack;
  let withoutCert: Stack;
  beforeAll(async () => {
    certs = generateTestCertificates();
    const emulators = await emulatorsWith({ tls: { cert: certs.serverCert, key: certs.serverKey, clientCa: certs.ca } });
    const address = { VERATO_BASE_URL: emulators.verato!.url, VERATO_CA: certs.caPath, VERATO_RETRIES: '0' };
    withCert = await startStackOver(emulators, { env: { ...address, VERATO_CLIENT_CERT: certs.clientCertPath, VERATO_CLIENT_KEY: certs.clientKeyPath } });
    withoutCert = await startStackOver(shared(emulators), { env: address });
  });
  afterAll(async () => {
    await withoutCert?.close();
    await withCert?.close();
    certs?.remove();
  });

  it('the emulator is HTTPS and refuses a connection without a client certificate', async () => {
    const verato = withCert.emulators.verato!;
    expect(verato.url).toMatch(/^https:\/\/127\.0\.0\.1:/);
    const post = (connect: { ca: string; cert?: string; key?: string }) => {
      const dispatcher = new Agent({ connect });
      return request(`${verato.baseUrl}/v2/identityIdQuery`, { method: 'POST', dispatcher, headers: { 'content-type': 'application/json', authorization: `Bearer ${DEMO_CREDENTIALS.verato.token}` }, body: JSON.stringify({ content: { linkId: alice.veratoLinkId } }) })
        .then(async (response) => { await response.body.text(); return response.statusCode; })
        .finally(() => dispatcher.close());
    };
    await expect(post({ ca: certs.ca })).rejects.toThrow();
    await expect(post({ ca: certs.ca, cert: readFileSync(certs.clientCertPath, 'utf8'), key: readFileSync(certs.clientKeyPath, 'utf8') })).resolves.toBe(200);
  });

  it('reads Verato presenting the client certificate', async () => {
    const result = await veratoRead(withCert);
    expect(result.errors).toBeUndefined();
    expect(result.data!.identity).toMatchObject({ id: `verato:CRM:${alice.crmId}`, displayName: 'Alice Martin' });
    expect(withCert.emulators.verato!.countCalls('POST', '/link-ws/svc/v2/nativeIdQuery')).toBeGreaterThan(0);
  });

  it('without the certificate the handshake fails: a located PROVIDER_UNAVAILABLE error, and the process keeps serving', async () => {
    withCert.emulators.verato!.clearCalls();
    const result = await veratoRead(withoutCert);
    expect(result.status).toBe(200);
    expect(result.errors).toEqual([
      expect.objectContaining({ path: ['identity'], message: 'Verato could not be reached.', extensions: expect.objectContaining({ code: 'PROVIDER_UNAVAILABLE', provider: 'VERATO' }) }),
    ]);
    // The request never reached the application: the TLS layer refused it.
    expect(withCert.emulators.verato!.calls).toHaveLength(0);
    const again = await withoutCert.gql(GetIdentityDocument, { id: `verifa:${alice.verifaId}` });
    expect(again.data!.identity).toMatchObject({ id: `verifa:${alice.verifaId}` });
  });
});

describe('Verato stacks (VERATO_STACK)', () => {
  let provider: Stack;
  let person: Stack;
  beforeAll(async () => {
    const emulators = await emulatorsWith({ stack: 'provider' });
    provider = await startStackOver(emulators, { env: { VERATO_BASE_URL: emulators.verato!.url, VERATO_STACK: 'provider' } });
    person = await startStackOver(shared(emulators), { env: { VERATO_BASE_URL: emulators.verato!.url } });
  });
  afterAll(async () => {
    await person?.close();
    await provider?.close();
  });
  beforeEach(() => provider.clearCalls());

  it('VERATO_STACK=provider sends /linkIdentities to the Provider stack base path, and queries unversioned', async () => {
    const result = await provider.gql(LinkIdentitiesDocument, { input: { primaryId: `verato:CRM:${bob.crmId}`, secondaryId: `verato:AUTH0:${bobWork.userId}` } });
    expect(result.errors).toBeUndefined();
    expect(result.data!.linkIdentities.userErrors).toEqual([]);
    expect(result.data!.linkIdentities.linkId).toBe(bob.veratoLinkId);
    const verato = provider.emulators.verato!;
    expect(verato.countCalls('POST', '/provider-link-ws/svc/linkIdentities')).toBe(1);
    expect(verato.countCalls('POST', '/provider-link-ws/svc/nativeIdQuery')).toBeGreaterThan(0);
    expect(verato.calls.filter((call) => !call.path.startsWith('/provider-link-ws/svc/'))).toEqual([]);
  });

  it('a subgraph on the wrong stack gets a PROVIDER_ERROR naming VERATO_STACK, not a refusal', async () => {
    const result = await veratoRead(person);
    expect(result.errors).toEqual([
      expect.objectContaining({
        path: ['identity'],
        message: 'Verato does not serve /v2/nativeIdQuery at the configured address (HTTP 404); operators must check VERATO_BASE_URL and VERATO_STACK (person).',
        extensions: expect.objectContaining({ code: 'PROVIDER_ERROR', provider: 'VERATO' }),
      }),
    ]);
    const link = await person.gql(LinkIdentitiesDocument, { input: { primaryId: `verato:CRM:${bob.crmId}`, secondaryId: `verato:AUTH0:${bobWork.userId}` } });
    expect(link.errors?.[0]).toMatchObject({ extensions: expect.objectContaining({ code: 'PROVIDER_ERROR' }), message: expect.stringContaining('VERATO_STACK') });
  });
});

import { loadConfig, type Config } from '../config';
import { createCallerVerifier } from './caller-auth';

describe('createCallerVerifier', () => {
  it('trusts the embedded dev issuer while every provider is embedded', async () => {
    const verifier = await createCallerVerifier(loadConfig({}));
    expect(verifier.devIssuer).not.toBeNull();
  });

  it('refuses the dev issuer for a Config with a real provider, even one not built by loadConfig', async () => {
    const embedded = loadConfig({});
    const oneReal: Config = { ...embedded, verifa: { ...embedded.verifa, baseUrl: 'https://api.withverifa.example/api/v1', auth: { apiKey: 'vk_live_x' } } };
    await expect(createCallerVerifier(oneReal)).rejects.toThrow(/every provider is an embedded emulator/);
  });
});

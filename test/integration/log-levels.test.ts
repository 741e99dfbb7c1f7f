import { DEMO_PEOPLE } from '../../src/emulators/seed';
import { startStack, type Stack } from '../support/stack';

/**
 * Log levels as the README's "Resilience and observability" promises them: every upstream call at
 * `debug`, failed upstream calls and failed operations at `warn`, so `LOG_LEVEL=warn` shows a
 * provider failing and nothing else. The logger writes into `lines` (pino destination).
 */

const [alice] = DEMO_PEOPLE;

interface LogRecord {
  level: string;
  msg: string;
  requestId?: string;
  provider?: string;
  status?: number | null;
  errorCodes?: string[];
}

describe('log levels', () => {
  const lines: string[] = [];
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ logLines: lines, env: { VERIFA_TIMEOUT_MS: '1000', VERIFA_RETRIES: '0' } });
  });
  afterAll(() => stack.close());
  afterEach(() => stack.emulators.verifa!.setFaults(null));

  /** Runs `query` under its own request id and answers the log records it wrote. */
  async function logsOf(requestId: string, query: string): Promise<{ calls: LogRecord[]; operation: LogRecord; errors: unknown }> {
    const result = await stack.gql(query, {}, { 'x-request-id': requestId });
    const records = lines.map((line) => JSON.parse(line) as LogRecord).filter((record) => record.requestId === requestId);
    const operations = records.filter((record) => record.msg === 'graphql operation');
    expect(operations).toHaveLength(1);
    return { calls: records.filter((record) => record.msg === 'upstream call'), operation: operations[0], errors: result.errors };
  }

  const aliceQuery = `{ identity(id: "verifa:${alice.verifaId}") { id displayName } }`;

  it('a successful query: its upstream calls at debug, the operation at info', async () => {
    const { calls, operation, errors } = await logsOf('log-ok', aliceQuery);
    expect(errors).toBeUndefined();
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.map((call) => [call.status, call.level])).toEqual(calls.map(() => [200, 'debug']));
    expect(operation).toMatchObject({ level: 'info', errorCodes: [] });
  });

  it('a 404 read (an unknown id) is an answer, not a failure: debug', async () => {
    const { calls, operation } = await logsOf('log-404', '{ identity(id: "verifa:idn_nobody0000000000") { id } }');
    expect(calls).toEqual([expect.objectContaining({ status: 404, level: 'debug' })]);
    expect(operation.level).toBe('info');
  });

  it('a provider answering 503: the call at warn, and the PROVIDER_UNAVAILABLE operation at warn', async () => {
    stack.emulators.verifa!.setFaults({ status: 503 });
    const { calls, operation } = await logsOf('log-503', aliceQuery);
    expect(calls).toEqual([expect.objectContaining({ provider: 'verifa', status: 503, level: 'warn' })]);
    expect(operation).toMatchObject({ level: 'warn', errorCodes: ['PROVIDER_UNAVAILABLE'] });
  });

  it('a provider that does not answer: the call (no status) at warn', async () => {
    stack.emulators.verifa!.setFaults({ hang: true });
    const { calls, operation } = await logsOf('log-hang', aliceQuery);
    expect(calls).toEqual([expect.objectContaining({ provider: 'verifa', status: null, level: 'warn' })]);
    expect(operation).toMatchObject({ level: 'warn', errorCodes: ['PROVIDER_UNAVAILABLE'] });
  });

  it('a client error (BAD_USER_INPUT) is not a failure of the subgraph: info, with no upstream call', async () => {
    const { calls, operation } = await logsOf('log-bad-input', '{ identity(id: "not-a-global-id") { id } }');
    expect(calls).toEqual([]);
    expect(operation).toMatchObject({ level: 'info', errorCodes: ['BAD_USER_INPUT'] });
  });
});

import { ApolloServer } from '@apollo/server';
import { buildSchema } from 'graphql';
import type { Context } from '../context';
import { createLogger } from './logger';
import { createMetrics, type Metrics } from './metrics';
import { NOT_EXECUTED_LABEL, OTHER_NAMES_LABEL, operationPlugin } from './operation-plugin';

const schema = buildSchema('type Query { hello: String }');

async function serverWith(metrics: Metrics, maxOperationNames: number): Promise<{ run(query: string): Promise<void>; stop(): Promise<void> }> {
  const server = new ApolloServer<Context>({ schema, plugins: [operationPlugin(createLogger({ level: 'silent' }), metrics, { maxOperationNames })] });
  await server.start();
  return {
    async run(query) {
      await server.executeOperation({ query }, { contextValue: { requestId: 'req-1', partialFailures: [] } as unknown as Context });
    },
    stop: () => server.stop(),
  };
}

async function nameLabels(metrics: Metrics): Promise<Set<string>> {
  const { values } = await metrics.operationDuration.get();
  return new Set(values.filter((value) => value.metricName?.endsWith('_count')).map((value) => String(value.labels.name)));
}

describe('operation metrics: a bounded set of operation names', () => {
  it('1,000 client-chosen names make at most 200 name series (plus "other")', async () => {
    const metrics = createMetrics();
    const server = await serverWith(metrics, 200);
    try {
      for (let i = 0; i < 1_000; i++) await server.run(`query Op_${i} { hello }`);
      const labels = await nameLabels(metrics);
      expect(labels.size).toBe(201);
      expect(labels).toContain('Op_0');
      expect(labels).toContain('Op_199');
      expect(labels).not.toContain('Op_200');
      expect(labels).toContain(OTHER_NAMES_LABEL);
      // A name already labelled keeps its label.
      await server.run('query Op_5 { hello }');
      expect((await nameLabels(metrics)).size).toBe(201);
    } finally {
      await server.stop();
    }
  });

  it('labels operations that failed parsing or validation with a fixed value, never their name', async () => {
    const metrics = createMetrics();
    const server = await serverWith(metrics, 200);
    try {
      await server.run('query Unparsable_1 { hello ');
      await server.run('query Invalid_1 { nope }');
      await server.run('query Invalid_2 { nope }');
      expect(await nameLabels(metrics)).toEqual(new Set([NOT_EXECUTED_LABEL]));
    } finally {
      await server.stop();
    }
  });
});

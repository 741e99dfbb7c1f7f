import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import type { ProviderName } from '../domain/provider-name';
import type { Metrics } from '../observability/metrics';
import { UpstreamError } from '../providers/http/errors';
import { ProviderReadError } from '../providers/read-error';
import { ProviderRejection } from '../providers/rejection';

export interface LoaderOptions {
  /** Off only for the benchmark baseline: every load becomes its own upstream call. */
  batch: boolean;
  cache: boolean;
}

export type BatchFunction<K, V> = (keys: readonly K[]) => Promise<(V | Error)[]>;

/**
 * Makes one DataLoader of a provider: its batch sizes go to the `loaderBatchSize` metric (labelled
 * `name`), and a failure that is not a typed provider error gets the provider named for the log.
 * Keys that are objects need a `cacheKeyFn`.
 */
export type LoaderFactory = <K, V, C = K>(provider: ProviderName, name: string, batch: BatchFunction<K, V>, options?: DataLoader.Options<K, V, C>) => DataLoader<K, V, C>;

export function createLoaderFactory(metrics: Metrics, options: LoaderOptions): LoaderFactory {
  return <K, V, C = K>(provider: ProviderName, name: string, batch: BatchFunction<K, V>, extra: DataLoader.Options<K, V, C> = {}) =>
    new DataLoader<K, V, C>(
      (keys) => {
        metrics.loaderBatchSize.observe({ loader: name }, keys.length);
        return batch(keys).then(
          (results) => results.map((result) => (result instanceof Error ? namingProvider(provider, result) : result)),
          (error: unknown) => {
            throw namingProvider(provider, toError(error));
          },
        );
      },
      { batch: options.batch, cache: options.cache, ...extra },
    );
}

/** Runs `load` for every key at once; a failing key gets its Error without failing the others. */
export async function fanOut<K, V>(keys: readonly K[], load: (key: K) => Promise<V>): Promise<(V | Error)[]> {
  const settled = await Promise.allSettled(keys.map(load));
  return settled.map((result) => (result.status === 'fulfilled' ? result.value : toError(result.reason)));
}

/** Typed failures pass as they are; anything else (a bug reading an answer) gets its provider named for the log. */
function namingProvider(provider: ProviderName, error: Error): Error {
  if (error instanceof UpstreamError || error instanceof ProviderRejection || error instanceof GraphQLError || error instanceof ProviderReadError) return error;
  return new ProviderReadError(provider, error);
}

function toError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}

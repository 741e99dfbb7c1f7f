import type { ProviderName } from '../domain/provider-name';

/**
 * A provider answer that passed its shape check could not be read: a bug in this subgraph, not
 * the provider's fault. Clients still see INTERNAL_SERVER_ERROR; the wrapper only lets the log
 * name the provider beside the cause's class. The message is fixed (the cause's may carry data).
 */
export class ProviderReadError extends Error {
  constructor(
    readonly provider: ProviderName,
    cause: Error,
  ) {
    super(`reading a ${provider} answer failed`, { cause });
    this.name = 'ProviderReadError';
  }
}

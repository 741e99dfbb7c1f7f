import type { ProviderName } from '../domain/provider-name';

/**
 * The provider understood the request and said no: a business outcome (already linked, not
 * found, identifier in use), not an outage. Mutations turn it into a `userErrors` entry.
 * `message` and `hint` come from the provider's fixed catalogue texts or are written here;
 * free-form upstream text never passes through, since it may hold personal data.
 */
export class ProviderRejection extends Error {
  readonly provider: ProviderName;
  readonly providerCode: string;
  readonly hint: string | null;
  readonly field: string | null;
  readonly status: number | null;

  constructor(options: {
    provider: ProviderName;
    providerCode: string;
    message: string;
    hint?: string | null;
    field?: string | null;
    status?: number | null;
  }) {
    super(options.message);
    this.name = 'ProviderRejection';
    this.provider = options.provider;
    this.providerCode = options.providerCode;
    this.hint = options.hint ?? null;
    this.field = options.field ?? null;
    this.status = options.status ?? null;
  }
}

import { HttpTransport, type CallContext } from '../http/transport';
import type { ProviderClientOptions } from '../client-options';
import {
  isMergeReply,
  isVerifaIdentity,
  isVerifaIdentityList,
  isVerifaRelationship,
  isVerifaRelationshipList,
  type CreateRelationshipBody,
  type DeleteReply,
  type MergeBody,
  type MergeReply,
  type SearchIdentitiesBody,
  type VerifaIdentity,
  type VerifaList,
  type VerifaRelationship,
} from './wire';
import { readVerifaErrorCode } from './mapper';

export interface VerifaClientOptions extends ProviderClientOptions<{ apiKey: string }> {
  version: string;
}

/**
 * Verifa REST API v1 (base URL …/api/v1). Every call sends `X-API-Key`, a pinned
 * `Verifa-Version` and `Key-Inflection: snake` (an organisation default may be kebab-case).
 */
export class VerifaClient {
  readonly transport: HttpTransport;

  constructor(options: VerifaClientOptions) {
    const headers = { 'x-api-key': options.auth.apiKey, 'verifa-version': options.version, 'key-inflection': 'snake' };
    this.transport = new HttpTransport({
      provider: 'verifa',
      baseUrl: options.baseUrl,
      policy: options.policy,
      logger: options.logger,
      metrics: options.metrics,
      rateBudget: options.rateBudget,
      errors: { errorCode: readVerifaErrorCode, isCredentialFailure: (status) => status === 401 || status === 403 },
      authHeaders: () => headers,
    });
  }

  /** GET /identities/:id; null when Verifa answers 404. */
  async getIdentity(ctx: CallContext, identityId: string): Promise<VerifaIdentity | null> {
    const response = await this.transport.send<VerifaIdentity>(ctx, {
      method: 'GET',
      path: `/identities/${encodeURIComponent(identityId)}`,
      pathTemplate: '/identities/{id}',
      retry: 'safe',
      acceptStatuses: [404],
      shape: isVerifaIdentity,
    });
    return response.status === 404 ? null : response.body;
  }

  /** POST /identities/search (inferred path and body): one page of the identities matching every given field. A read, so retried. */
  async searchIdentities(ctx: CallContext, body: SearchIdentitiesBody): Promise<VerifaList<VerifaIdentity>> {
    const response = await this.transport.send<VerifaList<VerifaIdentity>>(ctx, {
      method: 'POST',
      path: '/identities/search',
      pathTemplate: '/identities/search',
      body,
      retry: 'safe',
      shape: isVerifaIdentityList,
    });
    return response.body;
  }

  /** GET /identities/:id/relationships: one page of the relationships where it is the source. */
  async listRelationships(
    ctx: CallContext,
    identityId: string,
    page: { limit: number; offset: number; type?: string },
  ): Promise<VerifaList<VerifaRelationship> | null> {
    const response = await this.transport.send<VerifaList<VerifaRelationship>>(ctx, {
      method: 'GET',
      path: `/identities/${encodeURIComponent(identityId)}/relationships`,
      pathTemplate: '/identities/{id}/relationships',
      query: { limit: page.limit, offset: page.offset, type: page.type },
      retry: 'safe',
      acceptStatuses: [404],
      shape: isVerifaRelationshipList,
    });
    return response.status === 404 ? null : response.body;
  }

  /** POST /identities/:id/relationships (creates both directions). */
  async createRelationship(ctx: CallContext, identityId: string, body: CreateRelationshipBody, idempotencyKey?: string): Promise<VerifaRelationship> {
    const response = await this.transport.send<VerifaRelationship>(ctx, {
      method: 'POST',
      path: `/identities/${encodeURIComponent(identityId)}/relationships`,
      pathTemplate: '/identities/{id}/relationships',
      body,
      shape: isVerifaRelationship,
      ...idempotency(idempotencyKey),
    });
    return response.body;
  }

  /**
   * DELETE /identities/:id/relationships/:relationship_id (both directions). A repeat of a delete
   * that did land answers 404, so it is retried only when the mutation carries an idempotency key.
   */
  async deleteRelationship(ctx: CallContext, identityId: string, relationshipId: string, retry: 'safe' | 'never'): Promise<DeleteReply> {
    const response = await this.transport.send<DeleteReply>(ctx, {
      method: 'DELETE',
      path: `/identities/${encodeURIComponent(identityId)}/relationships/${encodeURIComponent(relationshipId)}`,
      pathTemplate: '/identities/{id}/relationships/{relationship_id}',
      retry,
    });
    return response.body;
  }

  /** POST /identities/merge. */
  async merge(ctx: CallContext, body: MergeBody, idempotencyKey?: string): Promise<MergeReply> {
    const response = await this.transport.send<MergeReply>(ctx, {
      method: 'POST',
      path: '/identities/merge',
      pathTemplate: '/identities/merge',
      body,
      shape: isMergeReply,
      ...idempotency(idempotencyKey),
    });
    return response.body;
  }

  async close(): Promise<void> {
    await this.transport.close();
  }
}

/** With an Idempotency-Key, Verifa replays instead of repeating, so the write may be retried. */
function idempotency(key: string | undefined): { headers?: Record<string, string>; retry: 'safe' | 'never' } {
  return key ? { headers: { 'idempotency-key': key }, retry: 'safe' } : { retry: 'never' };
}

import type { VeratoAuth, VeratoTls } from './config';
import { UpstreamNotServedError, UpstreamStatusError, UpstreamUnavailableError } from '../http/errors';
import { HttpTransport, type CallContext } from '../http/transport';
import type { ProviderClientOptions } from '../client-options';
import { ProviderRejection } from '../rejection';
import {
  isAddRelationshipReply,
  isEnvelope,
  isIdentityQueryReply,
  isDemographicsSearchReply,
  type DemographicsSearchContent,
  type DemographicsSearchResult,
  isLinkIdReply,
  isSearchNotificationsReply,
  isSearchRelationshipsReply,
  type AddRelationshipContent,
  type AddRelationshipReply,
  type DeleteRelationshipContent,
  type DeleteRelationshipReply,
  type IdentityQueryReply,
  type LinkIdentitiesContent,
  type LinkIdentitiesReply,
  type MergeIdentitiesContent,
  type MergeIdentitiesReply,
  type SearchNotificationsContent,
  type SearchNotificationsReply,
  type PostIdentityContent,
  type PostIdentityReply,
  type SearchRelationshipsContent,
  type SearchRelationshipsReply,
  type UnlinkIdentitiesContent,
  type UnlinkIdentitiesReply,
  type UnmergeIdentitiesContent,
  type UnmergeIdentitiesReply,
  type VeratoEnvelope,
  type VeratoFormatName,
  type VeratoRelationship,
  type VeratoRequest,
  type VeratoSource,
} from './wire';
import { isRecord } from '../http/shape';
import { VERATO_STACKS, type VeratoStack } from './stacks';

/** (inferred) What a write records in the envelope's auditLogMap: the mutation's reason. */
export type VeratoAudit = Record<string, string>;

/** The auditLogMap of a write with this reason, none without one. */
export function veratoAudit(reason: string | null | undefined): VeratoAudit | undefined {
  return reason ? { reason } : undefined;
}

const QUERY_FORMATS: VeratoFormatName[] = ['DEFAULT', 'GROUP_BY_SOURCE'];

/**
 * Verato LINK web services of one stack (VERATO_STACK): its base path below the tenant's address;
 * on the Person stack query operations live under /v2/. Every call is a POST of the envelope with
 * `trackingId` = the GraphQL request id. With VERATO_CLIENT_CERT/KEY every connection presents
 * the client certificate (the tenants require mutual TLS).
 */
export class VeratoClient {
  readonly transport: HttpTransport;
  private readonly stack: VeratoStack;
  private readonly queryPrefix: string;

  constructor(options: ProviderClientOptions<VeratoAuth> & { stack: VeratoStack; tls: VeratoTls | null }) {
    const authHeaders = { authorization: veratoAuthorization(options.auth) };
    this.stack = options.stack;
    this.queryPrefix = VERATO_STACKS[options.stack].queryPrefix;
    this.transport = new HttpTransport({
      provider: 'verato',
      baseUrl: options.baseUrl.replace(/\/+$/, '') + VERATO_STACKS[options.stack].basePath,
      tls: options.tls ?? undefined,
      policy: options.policy,
      logger: options.logger,
      metrics: options.metrics,
      rateBudget: options.rateBudget,
      // 401/403 come back as an HTML page, not the envelope: always our credentials or TLS setup.
      errors: { errorCode: () => undefined, isCredentialFailure: (status) => status === 401 || status === 403 },
      authHeaders: () => authHeaders,
    });
  }

  /** The cluster holding a source record, with every member (GROUP_BY_SOURCE); null when unknown. */
  async nativeIdQuery(ctx: CallContext, source: VeratoSource): Promise<IdentityQueryReply | null> {
    const reply = await this.call<IdentityQueryReply>(ctx, `${this.queryPrefix}/nativeIdQuery`, {
      source: { name: source.name, id: source.id },
      responseIdentityFormatNames: QUERY_FORMATS,
    }, 'read', isIdentityQueryReply);
    return reply?.identity ? reply : null;
  }

  /** A cluster by Link ID (the answer's linkId may differ after links/merges); null when unknown. */
  async identityIdQuery(ctx: CallContext, linkId: string): Promise<IdentityQueryReply | null> {
    const reply = await this.call<IdentityQueryReply>(ctx, `${this.queryPrefix}/identityIdQuery`, {
      linkId,
      responseIdentityFormatNames: QUERY_FORMATS,
    }, 'read', isIdentityQueryReply);
    return reply?.identity ? reply : null;
  }

  /** demographicsSearch: candidate clusters, best first (`searchResults`; Verato caps them at `maxSearchResults`). */
  async demographicsSearch(ctx: CallContext, content: DemographicsSearchContent): Promise<DemographicsSearchResult[]> {
    const reply = await this.call<{ searchResults: DemographicsSearchResult[] }>(ctx, `${this.queryPrefix}/demographicsSearch`, content, 'read', isDemographicsSearchReply);
    return reply?.searchResults ?? [];
  }

  /** Relationships in which the Link ID is subject or object (the service does not paginate). */
  async searchRelationships(ctx: CallContext, linkId: string): Promise<VeratoRelationship[]> {
    const content: SearchRelationshipsContent = { relationshipFilter: { filterBySubjectOrObjectVeratoId: linkId } };
    const reply = await this.call<SearchRelationshipsReply>(ctx, '/searchRelationshipsService', content, 'read', isSearchRelationshipsReply);
    return reply?.relationships ?? [];
  }

  /** One page of the change feed (merge/link/unlink events) between `startDate` and `endDate`. */
  async searchNotifications(ctx: CallContext, content: SearchNotificationsContent): Promise<SearchNotificationsReply> {
    return (await this.call<SearchNotificationsReply>(ctx, '/searchNotifications', content, 'read', isSearchNotificationsReply)) ?? {};
  }

  /**
   * Registers one source record (or updates it: the same S+N again is an update, so a repeat is
   * harmless and the call may be retried). A `success:false` is a SourceRegistrationRefused.
   */
  async postIdentity(ctx: CallContext, content: PostIdentityContent): Promise<PostIdentityReply> {
    try {
      return (await this.call<PostIdentityReply>(ctx, `${this.queryPrefix}/postIdentity`, content, 'safe', isLinkIdReply)) ?? {};
    } catch (error) {
      if (!(error instanceof ProviderRejection && error.providerCode === 'success_false')) throw error;
      throw new SourceRegistrationRefused(error.status);
    }
  }

  async linkIdentities(ctx: CallContext, content: LinkIdentitiesContent, retry: 'safe' | 'never', audit?: VeratoAudit): Promise<LinkIdentitiesReply> {
    return (await this.call<LinkIdentitiesReply>(ctx, '/linkIdentities', content, retry, isLinkIdReply, audit)) ?? {};
  }

  async unlinkIdentities(ctx: CallContext, content: UnlinkIdentitiesContent, retry: 'safe' | 'never', audit?: VeratoAudit): Promise<UnlinkIdentitiesReply> {
    const reply = await this.call<UnlinkIdentitiesReply>(ctx, '/unlinkIdentities', content, retry, isRecord, audit);
    if (!reply) throw this.emptyReply('/unlinkIdentities');
    return reply;
  }

  async mergeIdentities(ctx: CallContext, content: MergeIdentitiesContent, retry: 'safe' | 'never', audit?: VeratoAudit): Promise<MergeIdentitiesReply> {
    return (await this.call<MergeIdentitiesReply>(ctx, '/mergeIdentities', content, retry, isLinkIdReply, audit)) ?? {};
  }

  /** The retired record is re-activated alone under a new Link ID. */
  async unmergeIdentities(ctx: CallContext, content: UnmergeIdentitiesContent, retry: 'safe' | 'never', audit?: VeratoAudit): Promise<UnmergeIdentitiesReply> {
    const reply = await this.call<UnmergeIdentitiesReply>(ctx, '/unmergeIdentities', content, retry, isRecord, audit);
    if (!reply) throw this.emptyReply('/unmergeIdentities');
    return reply;
  }

  async deleteRelationship(ctx: CallContext, content: DeleteRelationshipContent, retry: 'safe' | 'never'): Promise<DeleteRelationshipReply> {
    return (await this.call<DeleteRelationshipReply>(ctx, '/deleteRelationshipService', content, retry, isRecord)) ?? {};
  }

  async addRelationship(ctx: CallContext, content: AddRelationshipContent, retry: 'safe' | 'never'): Promise<VeratoRelationship> {
    const reply = await this.call<AddRelationshipReply>(ctx, '/addRelationshipService', content, retry, isAddRelationshipReply);
    if (!reply?.relationship) throw this.emptyReply('/addRelationshipService');
    return reply.relationship;
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  /**
   * POSTs the envelope. `success:false` is a business failure (HTTP 200) and becomes a
   * ProviderRejection; Verato's `retryableError:true` is treated like a 503 so the transport
   * may retry it.
   */
  private async call<C>(
    ctx: CallContext,
    path: string,
    content: unknown,
    retry: 'read' | 'safe' | 'never',
    replyShape: (value: unknown) => boolean,
    audit?: VeratoAudit,
  ): Promise<C | undefined> {
    const body: VeratoRequest<unknown> = { trackingId: ctx.requestId, content, ...(audit ? { auditLogMap: audit } : {}) };
    const response = await this.transport.send<VeratoEnvelope<C>>(ctx, {
      method: 'POST',
      path,
      pathTemplate: path,
      body,
      retry: retry === 'never' ? 'never' : 'safe',
      shape: isEnvelope(replyShape),
      inspect: (envelope, call) => {
        const reply = envelope as VeratoEnvelope<C> | undefined;
        if (reply?.success === false && reply.retryableError === true) {
          throw new UpstreamUnavailableError(call, { retryable: true, detail: 'reported a retryable error' });
        }
      },
    }).catch((error: unknown) => {
      // Every documented operation exists on every stack: a 404 means the address or the stack is wrong.
      if (error instanceof UpstreamStatusError && error.status === 404) {
        throw new UpstreamNotServedError(error, `operators must check VERATO_BASE_URL and VERATO_STACK (${this.stack})`);
      }
      throw error;
    });
    const envelope = response.body;
    if (!envelope.success) {
      throw new ProviderRejection({
        provider: 'verato',
        providerCode: 'success_false',
        // Verato's message is free text about records (it may name people), so it is not passed on.
        message: `Verato refused ${path.replace(/^\/(v2\/)?/, '')}.`,
        hint: 'Check that both source records exist and are in the state the operation needs (e.g. the same Link ID for unlink).',
        status: response.status,
      });
    }
    return envelope.content;
  }

  private emptyReply(path: string): ProviderRejection {
    return new ProviderRejection({ provider: 'verato', providerCode: 'empty_reply', message: `Verato answered ${path} without content.` });
  }
}

/** Verato would not register a source record (postIdentity answered `success:false`). */
export class SourceRegistrationRefused extends ProviderRejection {
  constructor(status: number | null) {
    super({
      provider: 'verato',
      providerCode: 'registration_refused',
      message: 'Verato refused to register the source record (postIdentity).',
      hint: 'Check that the source code (VERATO_SOURCE_MAP) is a data source of the Verato tenant and that the record is not retired.',
      status,
    });
    this.name = 'SourceRegistrationRefused';
  }
}

function veratoAuthorization(auth: VeratoAuth): string {
  return auth.kind === 'bearer'
    ? `Bearer ${auth.token}`
    : `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
}

import type { ApolloServerPlugin } from '@apollo/server';
import { isObjectType, TypeInfo, visit, visitWithTypeInfo, type DirectiveNode, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Context } from '../context';
import type { ProviderName } from '../domain/provider-name';
import { SCOPES } from '../security/scopes';
import { requiredScopesIn } from '../security/type-scopes';

/**
 * The `Cache-Control` header of every GraphQL response, for the router's response cache (and any
 * HTTP cache in between).
 *
 * Why our own plugin and not Apollo Server's cache control plugin with `@cacheControl` hints:
 * - How long data may be kept depends on the provider it came from (`<P>_CACHE_TTL_SECONDS`, read
 *   at start-up), not on its GraphQL type: one `Identity` is an Auth0 user or a Verifa identity,
 *   and its `linkedAccounts`/`cluster` add Verato's data. Static `@cacheControl(maxAge:)` cannot
 *   say that; `setCacheHint` in every resolver could, and a resolver that forgot it would be
 *   silently wrong. Resolvers reach provider data only through the request's loaders, so the
 *   loaders record which providers a request read (`ctx.loaders.providersRead()`), and that covers
 *   every field, `_entities` included (`__resolveReference` reads through `ctx.loaders.identity`).
 * - Apollo's plugin gives root fields `maxAge: 0` unless hinted and then sends no header at all;
 *   the router should be told `no-store` explicitly. And `@cacheControl` would be one more
 *   directive to declare in the subgraph SDL next to the `@requiresScopes` that already says
 *   which fields are personal.
 *
 * `public` or `private`: a read that holds only fields behind the base scope (`identities:read`)
 * is `public`, also for an authenticated caller. What it returns does not depend on who asks (no
 * read filters by caller; a forwarded BTC Direct user token is used only by `linkIdentifier`), and
 * the router enforces `@requiresScopes` itself, keying its cache entries by authorization context,
 * so a cached entry is shared only among callers the SDL already lets read it. A field that needs
 * a further scope (`identities:pii`: birth dates, document numbers) makes the response `private`.
 */

/** Everything the header depends on, for one response. */
export interface CacheFacts {
  /** `query`, `mutation`, …; null when no operation ran (parse or validation failure). */
  operationType: string | null;
  /** The response carries errors (partial failures included), or is incremental (`@defer`): neither is kept. */
  hasErrors: boolean;
  /** Providers whose data the response holds. */
  providersRead: ReadonlySet<ProviderName>;
  /** A field gated by more than the base read scope was asked for. */
  personal: boolean;
}

export const NO_STORE = 'no-store';

/**
 * `max-age` = the smallest record TTL of the providers read; `no-store` for mutations, errors,
 * a provider whose cache is off (TTL 0), and a response that read no provider (nothing worth keeping).
 */
export function cacheControlFor(facts: CacheFacts, ttlSeconds: Readonly<Record<ProviderName, number>>): string {
  if (facts.operationType !== 'query' || facts.hasErrors || facts.providersRead.size === 0) return NO_STORE;
  const maxAge = Math.min(...[...facts.providersRead].map((provider) => ttlSeconds[provider]));
  if (!(maxAge > 0)) return NO_STORE;
  return `max-age=${maxAge}, ${facts.personal ? 'private' : 'public'}`;
}

/** `Type.field` of every field whose `@requiresScopes` (its own or its type's) names a scope beyond `identities:read`. */
export function personalFields(schema: GraphQLSchema): ReadonlySet<string> {
  const fields = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const typeGated = needsMoreThanRead([type.astNode, ...type.extensionASTNodes].flatMap((node) => node?.directives ?? []));
    for (const field of Object.values(type.getFields())) {
      if (typeGated || needsMoreThanRead(field.astNode?.directives ?? [])) fields.add(`${type.name}.${field.name}`);
    }
  }
  return fields;
}

function needsMoreThanRead(directives: readonly DirectiveNode[]): boolean {
  return (requiredScopesIn(directives) ?? []).some((alternative) => alternative.some((scope) => scope !== SCOPES.read));
}

/** Whether the document asks for any of `fields` (fragments and `_entities` type conditions included). */
function asksFor(schema: GraphQLSchema, document: DocumentNode, fields: ReadonlySet<string>): boolean {
  const typeInfo = new TypeInfo(schema);
  let found = false;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        if (parent && fields.has(`${parent.name}.${node.name.value}`)) found = true;
      },
    }),
  );
  return found;
}

export function cacheControlPlugin(ttlSeconds: Readonly<Record<ProviderName, number>>): ApolloServerPlugin<Context> {
  // Per document: Apollo's document store hands the same parsed document to every request of an
  // operation, so the walk over it runs once per operation, not once per request.
  let personal: { schema: GraphQLSchema; fields: ReadonlySet<string>; byDocument: WeakMap<DocumentNode, boolean> } | null = null;
  const isPersonal = (schema: GraphQLSchema, document: DocumentNode) => {
    if (personal?.schema !== schema) personal = { schema, fields: personalFields(schema), byDocument: new WeakMap() };
    let answer = personal.byDocument.get(document);
    if (answer === undefined) personal.byDocument.set(document, (answer = asksFor(schema, document, personal.fields)));
    return answer;
  };
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue, operation, document, schema }) {
          const body = response.body;
          const facts: CacheFacts = {
            operationType: operation?.operation ?? null,
            hasErrors: body.kind !== 'single' || (body.singleResult.errors?.length ?? 0) > 0 || (contextValue.partialFailures?.length ?? 0) > 0,
            providersRead: contextValue.loaders?.providersRead() ?? new Set(),
            personal: document ? isPersonal(schema, document) : true,
          };
          response.http.headers.set('cache-control', cacheControlFor(facts, ttlSeconds));
        },
      };
    },
  };
}

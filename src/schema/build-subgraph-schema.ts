import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { parse, type GraphQLSchema } from 'graphql';
import { buildSchemaSync, createResolversMap, getMetadataStorage, type NonEmptyArray } from 'type-graphql';
import type { Context } from '../context';
import { authChecker } from '../security/authorization';
import { enforceTypeScopes } from '../security/type-scopes';
import { ClusterMemberResolver, IdentityResolver, LinkedAccountResolver, RelationshipResolver } from './identity/identity.resolver';
import { Identity } from './identity/identity.type';
import { SearchResolver } from './search/search.resolver';
import {
  CreateRelationshipPayloadResolver,
  DeleteRelationshipPayloadResolver,
  LinkIdentifierPayloadResolver,
  LinkIdentitiesPayloadResolver,
  MergeIdentitiesPayloadResolver,
  MutationResolver,
  UnlinkIdentitiesPayloadResolver,
  UnmergeIdentitiesPayloadResolver,
} from './mutations/mutation.resolver';

/** Federation directives the SDL uses; v2.12 is the first spec with `@cacheTag` (Apollo Router's response-cache invalidation, Router ≥ 2.10). */
const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.12", import: ["@key", "@shareable", "@authenticated", "@requiresScopes", "@cacheTag", "@cost", "@listSize"])';

const RESOLVERS: NonEmptyArray<Function> = [
  IdentityResolver,
  LinkedAccountResolver,
  RelationshipResolver,
  ClusterMemberResolver,
  SearchResolver,
  MutationResolver,
  LinkIdentitiesPayloadResolver,
  UnlinkIdentitiesPayloadResolver,
  MergeIdentitiesPayloadResolver,
  CreateRelationshipPayloadResolver,
  UnmergeIdentitiesPayloadResolver,
  DeleteRelationshipPayloadResolver,
  LinkIdentifierPayloadResolver,
];

/**
 * type-graphql classes -> Federation 2 subgraph: build the schema from the decorators, print it
 * with its applied directives (`@key`), put the federation `@link` in front, and hand SDL plus
 * resolvers (with `Identity.__resolveReference`) to `buildSubgraphSchema`; then enforce the
 * type-level `@requiresScopes` the SDL declares.
 */
export function buildIdentitySubgraphSchema(): GraphQLSchema {
  assertPlainFieldsUnguarded();
  const typeGraphqlSchema = buildSchemaSync({ resolvers: RESOLVERS, orphanedTypes: [Identity], skipCheck: true, validate: false, authChecker, authMode: 'error' });
  const sdl = printSchemaWithDirectives(typeGraphqlSchema);
  const resolvers = createResolversMap(typeGraphqlSchema) as GraphQLResolverMap<unknown>;
  resolvers.Identity = {
    ...(resolvers.Identity as object),
    // Every `_entities` representation of one request lands in the same loader batch.
    // A copy: @apollo/subgraph sets `__typename` on the entity it is given, and a cached record is shared (and frozen).
    __resolveReference: async (reference: { id: string }, ctx: Context) => {
      const record = await ctx.loaders.identity(reference.id);
      return record && { ...record };
    },
  } as GraphQLResolverMap<unknown>[string];
  // `Identity @requiresScopes(identities:read)` holds wherever an Identity is returned: queries, payloads, nested fields, _entities.
  return enforceTypeScopes(buildSubgraphSchema({ typeDefs: parse(`${FEDERATION_LINK}\n${sdl}`), resolvers }));
}

/**
 * Every object type is declared with `simpleResolvers: true`: its plain fields are read by
 * graphql-js's default resolver, not through a type-graphql wrapper with its middleware chain (one
 * per field of every object in a response). That skips `@Authorized` and `@UseMiddleware` on plain
 * `@Field`s, so none may carry them: scopes belong on resolver methods or on the type
 * (`@requiresScopes`). This refuses to build a schema that breaks the rule.
 */
function assertPlainFieldsUnguarded(): void {
  const storage = getMetadataStorage();
  const objectTypes = new Set(storage.objectTypes.map((type) => type.target));
  const guarded = [...storage.authorizedFields, ...storage.middlewares].find((entry) => objectTypes.has(entry.target));
  if (guarded) throw new Error(`${guarded.target.name}.${guarded.fieldName}: @Authorized/@UseMiddleware on a plain field of a simpleResolvers type would not run; guard a resolver method instead`);
}

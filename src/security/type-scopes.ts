import {
  defaultFieldResolver,
  getNamedType,
  isAbstractType,
  isObjectType,
  isUnionType,
  Kind,
  valueFromASTUntyped,
  type GraphQLFieldResolver,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type DirectiveNode,
} from 'graphql';
import type { Context } from '../context';
import { requireScopes } from './authorization';
import type { Scope } from './scopes';

/** `@requiresScopes(scopes: [[a, b], [c]])`: any one inner list, all of its scopes. */
type ScopeAlternatives = readonly (readonly Scope[])[];

/** The federation union over entity types: its only field, `_entities`, is guarded per entity through `resolveReference`. */
const ENTITY_UNION = '_Entity';

/**
 * Makes a type-level `@requiresScopes` hold wherever the type is returned, as Federation defines
 * it: every field whose (unwrapped) type carries the directive checks the caller's scopes before
 * resolving, so the field is null with a FORBIDDEN error located at it, while its parent (say a
 * mutation payload and its userErrors) still resolves. An entity type's `resolveReference` is
 * guarded the same way, which covers `_entities`. The scopes are read from the schema's own SDL,
 * so what the SDL declares and what the subgraph enforces cannot drift apart.
 *
 * Changes the schema's resolvers in place; call once on a freshly built schema.
 */
export function enforceTypeScopes(schema: GraphQLSchema): GraphQLSchema {
  const scopedTypes = new Map<string, ScopeAlternatives>();
  for (const type of Object.values(schema.getTypeMap())) {
    const alternatives = declaredScopes(type);
    if (alternatives) scopedTypes.set(type.name, alternatives);
  }
  if (scopedTypes.size === 0) return schema;

  for (const type of Object.values(schema.getTypeMap())) {
    if (isAbstractType(type) && type.name !== ENTITY_UNION && !scopedTypes.has(type.name)) {
      const scoped = schema.getPossibleTypes(type).find((possible) => scopedTypes.has(possible.name));
      // Its scopes could only be checked once the abstract type resolves to it: refuse to build rather than let it escape.
      if (scoped) throw new Error(`${type.name} can resolve to ${scoped.name}, whose @requiresScopes is not enforced through ${type.name}; declare the same scopes on ${type.name}`);
    }
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const alternatives = scopedTypes.get(getNamedType(field.type).name);
      if (!alternatives) continue;
      const resolve: GraphQLFieldResolver<unknown, Context> = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, ctx, info) => {
        requireAnyOf(ctx, alternatives);
        return resolve(source, args, ctx, info);
      };
    }
  }

  const entityUnion = schema.getType(ENTITY_UNION);
  for (const entity of isUnionType(entityUnion) ? entityUnion.getTypes() : []) {
    const alternatives = scopedTypes.get(entity.name);
    if (alternatives) guardResolveReference(entity, alternatives);
  }
  return schema;
}

type ResolveReference = (reference: unknown, ctx: Context, info: unknown) => unknown;

/** Where `@apollo/subgraph` keeps an entity's `__resolveReference`; without one, the representation itself is the entity. */
function guardResolveReference(entity: GraphQLObjectType, alternatives: ScopeAlternatives): void {
  const extensions = entity.extensions as { apollo?: { subgraph?: { resolveReference?: ResolveReference } } };
  const subgraph = ((extensions.apollo ??= {}).subgraph ??= {});
  const resolveReference: ResolveReference = subgraph.resolveReference ?? ((reference) => reference);
  // Not an async function: that would wrap the entity's own promise in one more (two more ticks
  // per entity). A refusal is still a rejected promise, so it fails that entity only.
  subgraph.resolveReference = (reference, ctx, info) => {
    try {
      requireAnyOf(ctx, alternatives);
    } catch (refused) {
      return Promise.reject(refused);
    }
    return resolveReference(reference, ctx, info);
  };
}

function requireAnyOf(ctx: Context, alternatives: ScopeAlternatives): void {
  if (alternatives.some((scopes) => scopes.every((scope) => ctx.caller.scopes.has(scope)))) return;
  requireScopes(ctx.caller, alternatives[0]);
}

function declaredScopes(type: GraphQLNamedType): ScopeAlternatives | null {
  return requiredScopesIn([type.astNode, ...(type.extensionASTNodes ?? [])].flatMap((node) => node?.directives ?? []));
}

/** The scope alternatives a `@requiresScopes` among `directives` names (a type's or a field's), or null without one. */
export function requiredScopesIn(directives: readonly DirectiveNode[]): ScopeAlternatives | null {
  const argument = directives.find((applied) => applied.name.value === 'requiresScopes')?.arguments?.find((arg) => arg.name.value === 'scopes');
  if (!argument || argument.value.kind !== Kind.LIST || argument.value.values.length === 0) return null;
  return valueFromASTUntyped(argument.value) as ScopeAlternatives;
}

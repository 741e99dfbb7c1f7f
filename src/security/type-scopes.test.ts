import { buildSubgraphSchema } from '@apollo/subgraph';
import { execute, getNamedType, isObjectType, parse, type GraphQLSchema } from 'graphql';
import type { Context } from '../context';
import { ForbiddenError, UnauthenticatedError } from '../errors/domain-errors';
import { buildIdentitySubgraphSchema } from '../schema/build-subgraph-schema';
import { SCOPES } from './scopes';
import { enforceTypeScopes } from './type-scopes';

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@requiresScopes"])';

/** A small subgraph shaped like the real one: a scoped entity returned by a query, a payload and a nested field. */
function toySchema(resolveReference = (reference: { id: string }): { id: string; name: string | null } => ({ id: reference.id, name: `name of ${reference.id}` })): GraphQLSchema {
  const typeDefs = parse(`${LINK}
    type Person @key(fields: "id") @requiresScopes(scopes: [["people:read"], ["people:admin"]]) { id: ID! name: String friend: Person }
    type Payload { person: Person people: [Person] note: String! }
    type Query { person(id: ID!): Person }
    type Mutation { touch: Payload! }
  `);
  const person = (id: string) => ({ id, name: `name of ${id}`, friend: { id: `${id}-friend`, name: 'friend' } });
  return enforceTypeScopes(
    buildSubgraphSchema({
      typeDefs,
      resolvers: {
        Query: { person: (_: unknown, { id }: { id: string }) => person(id) },
        Mutation: { touch: () => ({ person: person('p1'), people: [person('p2')], note: 'done' }) },
        Person: { __resolveReference: resolveReference },
      } as never,
    }),
  );
}

const callerWith = (...scopes: string[]) => ({ caller: { subject: 'someone', scopes: new Set(scopes) } }) as unknown as Context;
const errorsOf = (result: Awaited<ReturnType<typeof execute>>) => (result.errors ?? []).map((error) => [error.path?.join('.'), error.extensions.code]);

describe('enforceTypeScopes: a type-level @requiresScopes holds wherever the type is returned', () => {
  const schema = toySchema();

  it('nulls a payload field of the scoped type with FORBIDDEN located at it; the rest of the payload still resolves', async () => {
    const result = await execute({ schema, document: parse('mutation { touch { note person { id } people { id } } }'), contextValue: callerWith('other:scope') });
    expect(result.data).toEqual({ touch: { note: 'done', person: null, people: null } });
    expect(errorsOf(result)).toEqual([
      ['touch.person', 'FORBIDDEN'],
      ['touch.people', 'FORBIDDEN'],
    ]);
    expect(result.errors![0].originalError).toBeInstanceOf(ForbiddenError);
    expect(result.errors![0].message).toContain('people:read');
  });

  it('lets a caller holding any one of the declared scope sets through, nested fields included', async () => {
    for (const scope of ['people:read', 'people:admin']) {
      const result = await execute({ schema, document: parse('{ person(id: "p1") { id friend { id } } }'), contextValue: callerWith(scope) });
      expect(result).toEqual({ data: { person: { id: 'p1', friend: { id: 'p1-friend' } } } });
    }
  });

  it('guards _entities per representation, before the reference is resolved', async () => {
    const resolveReference = jest.fn((reference: { id: string }) => ({ id: reference.id, name: null }));
    const guarded = toySchema(resolveReference);
    const document = parse('query ($r: [_Any!]!) { _entities(representations: $r) { ... on Person { id } } }');
    const variableValues = { r: [{ __typename: 'Person', id: 'p1' }, { __typename: 'Person', id: 'p2' }] };

    const refused = await execute({ schema: guarded, document, variableValues, contextValue: callerWith() });
    expect(refused.data).toEqual({ _entities: [null, null] });
    expect(errorsOf(refused)).toEqual([
      ['_entities.0', 'FORBIDDEN'],
      ['_entities.1', 'FORBIDDEN'],
    ]);
    expect(resolveReference).not.toHaveBeenCalled();

    const allowed = await execute({ schema: guarded, document, variableValues, contextValue: callerWith('people:read') });
    expect(allowed).toEqual({ data: { _entities: [{ id: 'p1' }, { id: 'p2' }] } });
  });

  it('tells an anonymous caller to authenticate instead', async () => {
    const anonymous = { caller: { subject: 'anonymous', scopes: new Set<string>() } } as unknown as Context;
    const result = await execute({ schema, document: parse('{ person(id: "p1") { id } }'), contextValue: anonymous });
    expect(result.errors![0].originalError).toBeInstanceOf(UnauthenticatedError);
  });

  it('refuses to build when a union could hand out the scoped type unchecked', () => {
    const typeDefs = parse(`${LINK}
      type Person @key(fields: "id") @requiresScopes(scopes: [["people:read"]]) { id: ID! }
      type Robot { id: ID! }
      union Anyone = Person | Robot
      type Query { someone: Anyone }
    `);
    expect(() => enforceTypeScopes(buildSubgraphSchema({ typeDefs }))).toThrow(/Anyone can resolve to Person/);
  });
});

describe('the identity subgraph: every field that returns an Identity needs identities:read', () => {
  const schema = buildIdentitySubgraphSchema();
  const identityFields = Object.values(schema.getTypeMap())
    .filter(isObjectType)
    .flatMap((type) => Object.values(type.getFields()).map((field) => ({ path: `${type.name}.${field.name}`, field })))
    .filter(({ field }) => getNamedType(field.type).name === 'Identity');

  it('finds the payload and nested Identity fields', () => {
    expect(identityFields.map(({ path }) => path).sort()).toEqual(
      expect.arrayContaining([
        'ClusterMember.identity',
        'CreateRelationshipPayload.source',
        'LinkIdentifierPayload.identity',
        'LinkIdentitiesPayload.primary',
        'LinkIdentitiesPayload.secondary',
        'LinkedAccount.identity',
        'MergeIdentitiesPayload.primary',
        'Query.identities',
        'Query.identity',
        'Relationship.related',
        'UnlinkIdentitiesPayload.primary',
        'UnlinkIdentitiesPayload.secondary',
      ]),
    );
  });

  it.each([['without any scope', [] as string[]], ['with every other scope', Object.values(SCOPES).filter((scope) => scope !== SCOPES.read)]])(
    'each one refuses a caller %s before reading anything',
    (_label, scopes) => {
      for (const { path, field } of identityFields) {
        // A context with no loaders or clients: a guard that let the call through would crash on them instead.
        const ctx = callerWith(...scopes);
        expect({ path, thrown: catchSync(() => field.resolve!({}, {}, ctx, {} as never)) }).toEqual({ path, thrown: expect.any(ForbiddenError) });
      }
    },
  );
});

function catchSync(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return 'not refused';
}

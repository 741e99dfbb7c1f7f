import 'reflect-metadata';
import { Authorized, Field, ObjectType } from 'type-graphql';
import { buildIdentitySubgraphSchema } from './build-subgraph-schema';

describe('buildIdentitySubgraphSchema', () => {
  it('reads plain fields with the default resolver: no type-graphql wrapper on them', () => {
    const schema = buildIdentitySubgraphSchema();
    const identity = schema.getType('Identity') as import('graphql').GraphQLObjectType;
    // `status` is a plain @Field; `linkedAccounts` is a field resolver.
    expect(identity.getFields().status.resolve).toBeUndefined();
    expect(identity.getFields().linkedAccounts.resolve).toBeDefined();
  });

  it('refuses a plain field guarded by @Authorized, which simpleResolvers would skip', () => {
    // Declared here only: each test file has its own type-graphql metadata.
    @ObjectType({ simpleResolvers: true, description: 'A type that breaks the rule.' })
    class Careless {
      @Authorized('identities:pii')
      @Field(() => String, { description: 'A guarded plain field.' })
      secret!: string;
    }
    expect(Careless).toBeDefined();
    expect(() => buildIdentitySubgraphSchema()).toThrow('Careless.secret: @Authorized/@UseMiddleware on a plain field');
  });
});

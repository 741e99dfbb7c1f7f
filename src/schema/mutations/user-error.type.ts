import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { IdentityProvider } from '../identity/identity.type';

export enum UserErrorCode {
  INVALID_INPUT = 'INVALID_INPUT',
  NOT_FOUND = 'NOT_FOUND',
  SAME_IDENTITY = 'SAME_IDENTITY',
  ALREADY_LINKED = 'ALREADY_LINKED',
  NOT_LINKED = 'NOT_LINKED',
  MERGE_NOT_ALLOWED = 'MERGE_NOT_ALLOWED',
  IDENTIFIER_IN_USE = 'IDENTIFIER_IN_USE',
  INVALID_LINK_TOKEN = 'INVALID_LINK_TOKEN',
  USER_TOKEN_INVALID = 'USER_TOKEN_INVALID',
  PENDING_REVIEW = 'PENDING_REVIEW',
  UNSUPPORTED_OPERATION = 'UNSUPPORTED_OPERATION',
  IDEMPOTENCY_KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED',
  IN_PROGRESS = 'IN_PROGRESS',
  FORBIDDEN = 'FORBIDDEN',
  PROVIDER_REJECTED = 'PROVIDER_REJECTED',
}
registerEnumType(UserErrorCode, {
  name: 'UserErrorCode',
  description: 'Why a mutation did not do what was asked.',
  valuesConfig: {
    INVALID_INPUT: { description: 'An input value breaks a rule (see `field` and `hint`).' },
    NOT_FOUND: { description: 'An identity, user or relationship does not exist.' },
    SAME_IDENTITY: { description: 'Both ids name the same identity.' },
    ALREADY_LINKED: { description: 'The accounts are already linked.' },
    NOT_LINKED: { description: 'The accounts are not linked, so they cannot be unlinked.' },
    MERGE_NOT_ALLOWED: { description: 'The provider does not allow this merge (e.g. the secondary is already merged or redacted).' },
    IDENTIFIER_IN_USE: { description: 'The BTC Direct identifier is already linked to another user.' },
    INVALID_LINK_TOKEN: { description: "The secondary account's ID token (`linkWith`) was refused." },
    USER_TOKEN_INVALID: { description: "The forwarded BTC Direct user token is missing, expired or invalid." },
    PENDING_REVIEW: { description: 'The provider is still reviewing a document; retry later.' },
    UNSUPPORTED_OPERATION: { description: 'The providers cannot do this combination; the message names what is supported.' },
    IDEMPOTENCY_KEY_REUSED: { description: 'The idempotency key was used before with different input.' },
    IN_PROGRESS: { description: 'A request with the same idempotency key is still running.' },
    FORBIDDEN: { description: 'The caller may not do this to these identities.' },
    PROVIDER_REJECTED: { description: 'The provider refused for another reason (see `providerCode`).' },
  },
});

@ObjectType({ description: 'A business failure of a mutation, for the UI to show or act on.' })
export class UserError {
  @Field(() => UserErrorCode, { description: 'What went wrong.' })
  code!: UserErrorCode;

  @Field(() => String, { description: 'A sentence a person can read. Never holds credentials or personal data.' })
  message!: string;

  @Field(() => String, { nullable: true, description: 'The input field concerned, e.g. "secondaryId".' })
  field!: string | null;

  @Field(() => IdentityProvider, { nullable: true, description: 'The provider that refused, if one did.' })
  provider!: IdentityProvider | null;

  @Field(() => String, { nullable: true, description: "The provider's own error code, e.g. ER706 or identity_already_exists." })
  providerCode!: string | null;

  @Field(() => String, { nullable: true, description: "What to do about it, in the provider's words where it gives them (BTC Direct `solution`)." })
  hint!: string | null;

  @Field(() => Boolean, { description: 'Whether sending the same request later may succeed.' })
  retryable!: boolean;
}

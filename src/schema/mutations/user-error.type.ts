import { Field, ObjectType } from 'type-graphql';
import { USER_ERROR_CODES, type UserErrorCode as UserErrorCodeValue } from '../../mutations/user-errors';
import { enumFromList } from '../enum-from-list';
import { IdentityProvider } from '../identity/identity.type';

export const UserErrorCode = enumFromList(USER_ERROR_CODES, {
  name: 'UserErrorCode',
  description: 'Why a mutation did not do what was asked.',
  descriptions: {
    INVALID_INPUT: 'An input value breaks a rule (see `field` and `hint`).',
    NOT_FOUND: 'An identity, user or relationship does not exist.',
    SAME_IDENTITY: 'Both ids name the same identity.',
    ALREADY_LINKED: 'The accounts are already linked.',
    NOT_LINKED: 'The accounts are not linked, so they cannot be unlinked.',
    MERGE_NOT_ALLOWED: 'The provider does not allow this merge (e.g. the secondary is already merged or redacted).',
    NOT_MERGED: 'The record to unmerge is not merged (retired), so there is nothing to split out.',
    IDENTIFIER_IN_USE: 'The BTC Direct identifier is already linked to another user.',
    INVALID_LINK_TOKEN: "The secondary account's ID token (`linkWith`) was refused.",
    USER_TOKEN_INVALID: 'A forwarded user token (x-btcdirect-user-authorization, x-auth0-user-authorization) is missing, expired or invalid.',
    PENDING_REVIEW: 'The provider is still reviewing a document; retry later.',
    UNSUPPORTED_OPERATION: 'The providers cannot do this combination; the message names what is supported.',
    IDEMPOTENCY_KEY_REUSED: 'The idempotency key was used before with different input.',
    IN_PROGRESS: 'A request with the same idempotency key is still running.',
    IDEMPOTENCY_UNAVAILABLE: 'The store that deduplicates idempotency keys cannot be reached, so nothing was sent; retry the same request (same key) shortly.',
    FORBIDDEN: 'The caller may not do this to these identities.',
    PROVIDER_REJECTED: 'The provider refused for another reason (see `providerCode`).',
  },
});
export type UserErrorCode = UserErrorCodeValue;

@ObjectType({ simpleResolvers: true, description: 'A business failure of a mutation, for the UI to show or act on.' })
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

import type { RefusalMapping } from '../../mutations/user-errors';
import { toRejection } from './mapper';

/** How Auth0's refusals of the identities endpoints read as user errors. None passes by waiting. */
export const auth0Refusals: RefusalMapping = {
  rejectionOf: toRejection,
  userErrorCodes: {
    identity_already_exists: 'ALREADY_LINKED',
    same_identity: 'SAME_IDENTITY',
    secondary_not_found: 'NOT_FOUND',
    inexistent_user: 'NOT_FOUND',
    not_linked: 'NOT_LINKED',
    main_identity: 'INVALID_INPUT',
    invalid_link_with: 'INVALID_LINK_TOKEN',
    inexistent_identity_needs_connection: 'NOT_FOUND',
    inexistent_identity: 'NOT_FOUND',
    connection_not_configured: 'INVALID_INPUT',
    subject_mismatch: 'FORBIDDEN',
    user_token_scope: 'USER_TOKEN_INVALID',
    user_token_invalid: 'USER_TOKEN_INVALID',
    invalid_token: 'USER_TOKEN_INVALID',
  },
  isRetryable: () => false,
};

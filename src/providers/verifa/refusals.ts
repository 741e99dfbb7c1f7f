import type { RefusalMapping, RefusalWording } from '../../mutations/user-errors';
import { toRejection } from './mapper';

/** How Verifa's error codes read as user errors. None passes by waiting. */
export const verifaRefusals: RefusalMapping = {
  rejectionOf: toRejection,
  userErrorCodes: {
    not_found: 'NOT_FOUND',
    idempotency_mismatch: 'IDEMPOTENCY_KEY_REUSED',
    validation_error: 'INVALID_INPUT',
    conflict: 'ALREADY_LINKED',
  },
  isRetryable: () => false,
};

/**
 * Verifa answers every rule it checks with one `validation_error`; a route knows which rule its
 * request can still break once its input was checked, and says so.
 */
export const verifaRefusalWording = {
  /** Two distinct, existing identities and a built-in type: the only rule left is that the link exists already. */
  userLinked: {
    validation_error: { code: 'ALREADY_LINKED', message: 'These Verifa identities are already linked (user_linked).', field: 'secondaryId' },
  },
  merge: {
    validation_error: { code: 'MERGE_NOT_ALLOWED', message: 'Verifa refused the merge: a redacted or already merged identity cannot be merged.', field: 'secondaryId' },
  },
  /** The id was checked and the identity exists: a 422 is Verifa's rule that system relationships cannot be deleted. */
  deleteRelationship: {
    validation_error: { message: 'Verifa refused the delete: system relationships (detected by Verifa, such as same_address or merged) cannot be deleted.', field: 'id' },
    not_found: { message: 'Verifa has no such identity, or no such relationship of it.', field: 'id' },
  },
  relationship: (type: string, field: 'type' | 'customType'): RefusalWording => ({
    validation_error: { message: `Verifa refused the relationship: it may exist already, or "${type}" is not an active relationship type.`, field },
  }),
} satisfies Record<string, RefusalWording | ((...args: never[]) => RefusalWording)>;

/**
 * BTC Direct API (v1/v2), identity endpoints, exactly as they answer. Source: reference contract
 * Part A, the derived OAS subset and the SDK error list.
 */

import { isBoolean, isNonEmptyString, isRecord, isString, optional, optionalStrings } from '../http/shape';

export interface BtcDirectErrorEntry {
  code: string;
  message: string;
  solution: string;
}

/** Errors come as an object keyed by ER code (several may appear at once). */
export interface BtcDirectErrorBody {
  errors: Record<string, BtcDirectErrorEntry>;
}

export interface AuthenticateRequest {
  username: string;
  password: string;
}

export interface TokenPair {
  token: string;
  refreshToken: string;
}

export interface RefreshRequest {
  refreshToken: string;
}

export interface BtcDirectAmount {
  amount?: number;
  currencyCode?: string;
}

export interface BtcDirectLimit {
  limit?: BtcDirectAmount;
  remaining?: BtcDirectAmount;
  interval?: string;
}

export interface UserInfo {
  emailAddress?: string;
  firstName?: string;
  lastName?: string;
  region?: string;
  phoneNumber?: string;
  registrationDate?: string;
  activationDate?: string;
  isBusiness?: boolean;
  limits?: { buy?: BtcDirectLimit; sell?: BtcDirectLimit };
  enabledIbanAccounts?: string[];
  enabledWalletAddresses?: string[];
  status?: {
    status?: string;
    description?: string;
    details?: {
      amld5VerificationStatus?: string;
      emailAddressVerificationStatus?: string;
      identityVerificationStatus?: string;
      privacyAgreementVerificationStatus?: string;
      identityDocumentVerificationStatus?: string[];
    };
  };
}

export interface LinkIdentifierRequest {
  identifier: string;
}

// Shape checks of the answers the client and mapper read (see ../http/shape.ts).

const USER_INFO_STRINGS = ['emailAddress', 'firstName', 'lastName', 'region', 'phoneNumber', 'registrationDate'] as const;

export function isUserInfo(body: unknown): body is UserInfo {
  return (
    isRecord(body) &&
    optionalStrings(body, USER_INFO_STRINGS) &&
    optional(body.isBusiness, isBoolean) &&
    optional(
      body.status,
      (status) =>
        isRecord(status) && optional(status.status, isString) && optional(status.details, (details) => isRecord(details) && optionalStrings(details, ['emailAddressVerificationStatus'])),
    )
  );
}

export function isTokenPair(body: unknown): body is TokenPair {
  return isRecord(body) && isNonEmptyString(body.token) && isNonEmptyString(body.refreshToken);
}

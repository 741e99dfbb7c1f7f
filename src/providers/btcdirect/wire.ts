/**
 * BTC Direct API (v1/v2), identity endpoints, exactly as they answer. Source: reference contract
 * Part A, the derived OAS subset and the SDK error list.
 */

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

/** What a merge moves from the secondary to the primary (Verifa's transfer toggles). */
export interface TransferInput {
  sessions?: boolean | null;
  screeningChecks?: boolean | null;
  faceEmbeddings?: boolean | null;
  ipLinks?: boolean | null;
  deviceLinks?: boolean | null;
}

export type TransferSummary = { [K in keyof TransferInput]-?: boolean };

/** The transfer a merge does: what the caller leaves unsaid moves (Verifa's default). */
export function transferWithDefaults(transfer: TransferInput | null | undefined): TransferSummary {
  return {
    sessions: transfer?.sessions ?? true,
    screeningChecks: transfer?.screeningChecks ?? true,
    faceEmbeddings: transfer?.faceEmbeddings ?? true,
    ipLinks: transfer?.ipLinks ?? true,
    deviceLinks: transfer?.deviceLinks ?? true,
  };
}

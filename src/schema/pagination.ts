import { BadUserInputError } from '../errors/domain-errors';

/** Opaque cursors over offset-paginated lists: base64url of "offset:<n>". */

export function encodeOffsetCursor(offset: number): string {
  return Buffer.from(`offset:${offset}`, 'utf8').toString('base64url');
}

export function decodeOffsetCursor(cursor: string, argumentName: string): number {
  const match = /^offset:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new BadUserInputError(`${argumentName} is not a cursor this API returned; pass pageInfo.endCursor unchanged.`, argumentName);
  return Number(match[1]);
}

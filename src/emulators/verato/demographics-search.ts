import { identityQueryContent } from './identity-views';
import { isObject, requireObject, type RequestContent, type VeratoOperation } from './operation';
import { VeratoBusinessError, type SourceRecord, type VeratoStore } from './store';

/**
 * demographicsSearch (Person spec, /v2): candidate clusters for the demographic values of
 * `content.identity`, best first. The emulator's match score is its own (inferred; Verato's
 * probabilistic scoring is not public): the share of the searched attributes (name, email, date of
 * birth) that some active record of the cluster asserts, names and e-mails compared
 * case-insensitively. Clusters matching none are not candidates.
 */
export const demographicsSearch: VeratoOperation = {
  run(content, store) {
    const identity = requireObject(content, 'identity');
    const wanted = searchValues(identity);
    if (wanted.length === 0) throw new VeratoBusinessError('identity must carry at least one demographic value to search on');
    const threshold = optionalNumber(content, 'matchScoreThreshold');
    const maxResults = optionalWholeNumber(content, 'maxSearchResults', 1, 100_000_000);
    const formatNames = content.responseIdentityFormatNames === undefined ? ['DEFAULT'] : formatNamesOf(content);

    const results = store
      .activeLinkIds()
      .map((linkId) => ({ linkId, members: store.members(linkId), score: 0 }))
      .map((candidate) => ({ ...candidate, score: matchScore(wanted, candidate.members.filter((record) => !record.mergedInto)) }))
      .filter((candidate) => candidate.score > 0 && (threshold === undefined || candidate.score >= threshold))
      .sort((a, b) => b.score - a.score || a.linkId.localeCompare(b.linkId))
      .slice(0, maxResults ?? Number.MAX_SAFE_INTEGER)
      .map(({ linkId, members, score }) => ({
        ...identityQueryContent(linkId, members, formatNames),
        matchScore: score,
        // (inferred) "Y" only when every searched value matched.
        sameIdentity: score === 1 ? 'Y' : 'U',
      }));
    // (inferred) success message.
    return { message: results.length > 0 ? 'Identities found!' : 'No identities found', content: { searchResults: results } };
  },
};

type SearchValue = { attribute: 'name' | 'email' | 'dateOfBirth'; matches: (record: SourceRecord) => boolean };

function searchValues(identity: RequestContent): SearchValue[] {
  const values: SearchValue[] = [];
  for (const name of listOf(identity, 'names')) {
    const first = lower(name.first);
    const last = lower(name.last);
    if (first === undefined && last === undefined) continue;
    values.push({
      attribute: 'name',
      matches: (record) =>
        record.attributes.names.some((asserted) => (first === undefined || lower(asserted.first) === first) && (last === undefined || lower(asserted.last) === last)),
    });
  }
  for (const email of listOf(identity, 'emails')) {
    const address = lower(email.email);
    if (address === undefined) continue;
    values.push({ attribute: 'email', matches: (record) => record.attributes.emails.some((asserted) => lower(asserted.email) === address) });
  }
  for (const date of listOf(identity, 'datesOfBirth')) {
    if (typeof date.dateOfBirth !== 'string') continue;
    const wanted = date.dateOfBirth;
    values.push({ attribute: 'dateOfBirth', matches: (record) => record.attributes.datesOfBirth.some((asserted) => asserted.dateOfBirth === wanted) });
  }
  return values;
}

function matchScore(wanted: SearchValue[], active: SourceRecord[]): number {
  const matched = wanted.filter((value) => active.some(value.matches)).length;
  return Math.round((matched / wanted.length) * 1000) / 1000;
}

function listOf(identity: RequestContent, field: string): Record<string, unknown>[] {
  const value = identity[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every(isObject)) throw new VeratoBusinessError(`identity.${field} must be a list`);
  return value;
}

function lower(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim().toLowerCase() : undefined;
}

function optionalNumber(content: RequestContent, field: string): number | undefined {
  const value = content[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new VeratoBusinessError(`${field} must be a number`);
  return value;
}

function optionalWholeNumber(content: RequestContent, field: string, min: number, max: number): number | undefined {
  const value = optionalNumber(content, field);
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < min || value > max) throw new VeratoBusinessError(`${field} must be a whole number from ${min} to ${max}`);
  return value;
}

function formatNamesOf(content: RequestContent): string[] {
  const names = content.responseIdentityFormatNames;
  if (!Array.isArray(names) || !names.every((name) => typeof name === 'string')) {
    throw new VeratoBusinessError('responseIdentityFormatNames must be a list of format names');
  }
  return names;
}

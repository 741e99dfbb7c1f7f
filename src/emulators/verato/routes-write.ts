import { GROUP_BY_SOURCE, goldenIdentity, identityPerSource } from './identity-views';
import {
  echoSource,
  isObject,
  optionalString,
  requireObject,
  requireSource,
  requireString,
  type RequestContent,
  type VeratoOperation,
} from './operation';
import { PERSON_ATTRIBUTE_KEYS, VeratoBusinessError, type PersonAttributes } from './store';

// (inferred) success messages, worded like the documented "The identity has been successfully posted."

/**
 * postIdentity: `identity` with exactly one source in `sources` ("Exactly one source is required
 * per request"); a new S+N gets a Link ID of its own, a known one is updated.
 */
const postIdentity: VeratoOperation = {
  run(content, store) {
    const identity = requireObject(content, 'identity');
    const sources = identity.sources;
    if (!Array.isArray(sources) || sources.length !== 1 || !isObject(sources[0])) {
      throw new VeratoBusinessError('identity.sources must hold exactly one source');
    }
    const source = requireSource({ source: sources[0] }, 'source');
    const record = store.postIdentity(source, postedAttributes(identity));
    const members = store.members(record.linkId);
    const formatNames = Array.isArray(content.responseIdentityFormatNames) ? content.responseIdentityFormatNames : [];
    const incomingIdentity = Object.fromEntries(Object.entries(identity).filter(([key]) => key !== 'sources'));
    return {
      message: 'The identity has been successfully posted.',
      content: {
        linkId: record.linkId,
        linkIdentity: goldenIdentity(members),
        incomingIdentity,
        identityGroupedBySource: formatNames.includes(GROUP_BY_SOURCE) ? members.map(identityPerSource) : undefined,
        domains: [{ name: 'Person' }],
      },
    };
  },
};

/** The Person attributes a posted identity asserts; (inferred) an attribute that is not a list of objects is refused. */
function postedAttributes(identity: RequestContent): Partial<PersonAttributes> {
  const attributes: Record<string, unknown[]> = {};
  for (const key of PERSON_ATTRIBUTE_KEYS) {
    const values = identity[key];
    if (values === undefined || values === null) continue;
    if (!Array.isArray(values) || !values.every(isObject)) throw new VeratoBusinessError(`identity.${key} must be a list of objects`);
    attributes[key] = values;
  }
  return attributes as Partial<PersonAttributes>;
}

/** linkIdentities: `source` and its cluster join `linkToSource`'s Link ID; the other Link ID is retired. */
const linkIdentities: VeratoOperation = {
  run(content, store) {
    const linkId = store.linkIdentities(requireSource(content, 'linkToSource'), requireSource(content, 'source'));
    return {
      message: 'The identities have been successfully linked.',
      content: { linkId, linkToSource: echoSource(content, 'linkToSource') },
    };
  },
  failureContent: { linkToSource: null },
};

/** unlinkIdentities: `source` leaves the Link ID it shares with `unlinkFromSource` for a new one. */
const unlinkIdentities: VeratoOperation = {
  run(content, store) {
    const { unlinkedId, unlinkedFromId } = store.unlinkIdentities(
      requireSource(content, 'unlinkFromSource'),
      requireSource(content, 'source'),
    );
    return {
      message: 'The identities have been successfully unlinked.',
      content: {
        unlinkedId,
        unlinkedSource: echoSource(content, 'source'),
        unlinkedFromId,
        unlinkedFromSource: echoSource(content, 'unlinkFromSource'),
      },
    };
  },
};

/** mergeIdentities: `toRetireSource` is retired into `toSurviveSource`; their clusters combine. */
const mergeIdentities: VeratoOperation = {
  run(content, store) {
    const linkId = store.mergeIdentities(requireSource(content, 'toSurviveSource'), requireSource(content, 'toRetireSource'));
    return {
      message: 'The identities have been successfully merged.',
      content: { linkId, toSurviveSource: echoSource(content, 'toSurviveSource') },
    };
  },
  failureContent: { toSurviveSource: null },
};

/** unmergeIdentities: the retired `unmergeSource` is re-activated alone under a new Link ID. */
const unmergeIdentities: VeratoOperation = {
  run(content, store) {
    const { unmergedId, unmergedFromId } = store.unmergeIdentities(
      requireSource(content, 'unmergeFromSource'),
      requireSource(content, 'unmergeSource'),
    );
    return {
      message: 'The identities have been successfully unmerged.',
      content: {
        unmergedId,
        unmergedSource: echoSource(content, 'unmergeSource'),
        unmergedFromId,
        unmergedFromSource: echoSource(content, 'unmergeFromSource'),
      },
    };
  },
};

/** addRelationshipService: a relationship between two Link IDs; verb, both ids and domain are needed. */
const addRelationshipService: VeratoOperation = {
  run(content, store) {
    const request = requireObject(content, 'relationship');
    const relationship = store.addRelationship({
      id: optionalString(request, 'id'),
      relationshipVerb: requireString(request, 'relationshipVerb'),
      subjectVeratoId: requireString(request, 'subjectVeratoId'),
      objectVeratoId: requireString(request, 'objectVeratoId'),
      domain: requireString(request, 'domain'),
      status: optionalString(request, 'status'),
      startDate: optionalString(request, 'startDate'),
      endDate: optionalString(request, 'endDate'),
    });
    return { message: 'The relationship has been successfully added.', content: { relationship } };
  },
};

/** deleteRelationshipService: removes one relationship by id and echoes the id. */
const deleteRelationshipService: VeratoOperation = {
  run(content, store) {
    const id = requireString(content, 'id');
    store.deleteRelationship(id);
    return { message: 'The relationship has been successfully deleted.', content: { id } };
  },
};

export const WRITE_OPERATIONS: Record<string, VeratoOperation> = {
  '/v2/postIdentity': postIdentity,
  '/linkIdentities': linkIdentities,
  '/unlinkIdentities': unlinkIdentities,
  '/mergeIdentities': mergeIdentities,
  '/unmergeIdentities': unmergeIdentities,
  '/addRelationshipService': addRelationshipService,
  '/deleteRelationshipService': deleteRelationshipService,
};

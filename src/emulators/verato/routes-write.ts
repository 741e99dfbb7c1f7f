import {
  echoSource,
  optionalString,
  requireObject,
  requireSource,
  requireString,
  type VeratoOperation,
} from './operation';

// (inferred) success messages, worded like the documented "The identity has been successfully posted."

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
  '/linkIdentities': linkIdentities,
  '/unlinkIdentities': unlinkIdentities,
  '/mergeIdentities': mergeIdentities,
  '/unmergeIdentities': unmergeIdentities,
  '/addRelationshipService': addRelationshipService,
  '/deleteRelationshipService': deleteRelationshipService,
};

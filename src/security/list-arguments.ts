import { Kind, type ValueNode } from 'graphql';

/**
 * The list arguments each item of which costs upstream calls, by parent type and field: the
 * list limit refuses more than its maximum of them, the root estimate counts one call per item,
 * and the query cost takes their length as the list's size (the router, which cannot count
 * them, uses its `list_size`).
 */
const BOUNDED_LIST_ARGUMENTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  Query: { _entities: 'representations', identities: 'ids' },
};

export function boundedListArgument(parentType: string, field: string): string | undefined {
  return Object.hasOwn(BOUNDED_LIST_ARGUMENTS, parentType) && Object.hasOwn(BOUNDED_LIST_ARGUMENTS[parentType], field)
    ? BOUNDED_LIST_ARGUMENTS[parentType][field]
    : undefined;
}

/**
 * Items in a list argument. A variable counts what it is bound to; a single value stands for a
 * one-item list (GraphQL's input coercion); each element of a list literal is one item.
 */
export function listLength(value: ValueNode, variables: Readonly<Record<string, unknown>>): number {
  if (value.kind === Kind.LIST) return value.values.length;
  if (value.kind === Kind.NULL) return 0;
  if (value.kind === Kind.VARIABLE) {
    const bound = variables[value.name.value];
    if (Array.isArray(bound)) return bound.length;
    return bound === undefined || bound === null ? 0 : 1;
  }
  return 1;
}

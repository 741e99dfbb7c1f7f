import { ArgsType, Directive, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { BadUserInputError } from '../errors/domain-errors';

/**
 * Relay-style connections over lists addressed by position: the arguments (`first/after`,
 * `last/before`), opaque cursors, the window they select, and the connection and edge types of a
 * node type (`connectionTypes(Node, 'Name')` gives `NameConnection` and `NameEdge`).
 *
 * A cursor is the item's position in the whole list (base64url of "offset:<n>"), so it stays
 * valid for as long as the list keeps its order.
 */

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;

export function encodeOffsetCursor(offset: number): string {
  return Buffer.from(`offset:${offset}`, 'utf8').toString('base64url');
}

export function decodeOffsetCursor(cursor: string, argumentName: string): number {
  const match = /^offset:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new BadUserInputError(`${argumentName} is not a cursor this API returned; pass a cursor from edges or pageInfo unchanged.`, argumentName);
  return Number(match[1]);
}

@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, { nullable: true, description: `The first N items after \`after\` (1 to ${MAX_PAGE_SIZE}; ${DEFAULT_PAGE_SIZE} when neither first nor last is given).` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Start after this cursor (`pageInfo.endCursor` of the previous page, or an edge cursor).' })
  after?: string | null;

  @Field(() => Int, { nullable: true, description: `The last N items before \`before\` (1 to ${MAX_PAGE_SIZE}).` })
  last?: number | null;

  @Field(() => String, { nullable: true, description: 'End before this cursor (`pageInfo.startCursor` of the next page, or an edge cursor).' })
  before?: string | null;
}

/** Positions `[start, end)` of the whole list that a page holds. */
export interface PageWindow {
  start: number;
  end: number;
}

/**
 * The window the arguments select, as Relay's algorithm does: cut to `after`/`before`, then keep
 * the first `first`, then the last `last`. `total` is the length of the whole list; a list whose
 * length is not known (null) can be paged forwards, and backwards only from a `before` cursor.
 * Refuses (BAD_USER_INPUT) a size out of range and a cursor this API did not issue.
 */
export function pageWindow(args: ConnectionArgs, total: number | null, maxPageSize = MAX_PAGE_SIZE): PageWindow {
  checkConnectionArgs(args, maxPageSize);
  const first = args.first ?? (args.last ? null : DEFAULT_PAGE_SIZE);
  let start = args.after ? decodeOffsetCursor(args.after, 'after') + 1 : 0;
  let end = args.before ? decodeOffsetCursor(args.before, 'before') : total;
  if (total !== null) start = Math.min(start, total);
  if (end !== null && total !== null) end = Math.min(end, total);
  if (end !== null) end = Math.max(end, start);
  if (first !== null) end = end === null ? start + first : Math.min(end, start + first);
  if (args.last) {
    if (end === null) throw new BadUserInputError('last needs before (a cursor) on a list whose length is not known.', 'last');
    start = Math.max(start, end - args.last);
  }
  return { start, end: end! };
}

/** Refuses (BAD_USER_INPUT) a page size out of range and a cursor this API did not issue: before anything is read. */
export function checkConnectionArgs(args: ConnectionArgs, maxPageSize = MAX_PAGE_SIZE): void {
  for (const name of ['first', 'last'] as const) {
    const size = args[name];
    if (size !== null && size !== undefined && (!Number.isInteger(size) || size < 1 || size > maxPageSize)) {
      throw new BadUserInputError(`${name} must be between 1 and ${maxPageSize}; got ${size}.`, name);
    }
  }
  if (args.after) decodeOffsetCursor(args.after, 'after');
  if (args.before) decodeOffsetCursor(args.before, 'before');
}

export interface ConnectionOf<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: PageInfo;
  totalCount: number | null;
}

/**
 * The connection of a page: `nodes` are the items at positions `window.start…`. `hasNextPage`
 * defaults to whether the whole list (of length `totalCount`) goes on past the page.
 */
export function connectionOf<T>(nodes: T[], window: PageWindow, { totalCount, hasNextPage }: { totalCount: number | null; hasNextPage?: boolean }): ConnectionOf<T> {
  const edges = nodes.map((node, i) => ({ cursor: encodeOffsetCursor(window.start + i), node }));
  return {
    edges,
    nodes,
    pageInfo: {
      hasNextPage: hasNextPage ?? (totalCount !== null && window.start + nodes.length < totalCount),
      hasPreviousPage: window.start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount,
  };
}

/** A page of a list held whole (read in full, or assembled from several sources). */
export function connectionFromList<T>(all: readonly T[], args: ConnectionArgs, maxPageSize = MAX_PAGE_SIZE): ConnectionOf<T> {
  const window = pageWindow(args, all.length, maxPageSize);
  return connectionOf(all.slice(window.start, window.end), window, { totalCount: all.length });
}

@ObjectType({ simpleResolvers: true, description: 'Pagination state of a list, Relay style.' })
@Directive('@shareable')
export class PageInfo {
  @Field(() => Boolean, { description: 'Whether more items follow the last one returned.' })
  hasNextPage!: boolean;

  @Field(() => Boolean, { description: 'Whether items precede the first one returned.' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first item returned; pass it as `before` for the previous page.' })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last item returned; pass it as `after` for the next page.' })
  endCursor!: string | null;
}

/** The `<Name>Connection` and `<Name>Edge` object types of a node type (a list with its own paging words may say them). */
export function connectionTypes<T extends object>(
  Node: ClassType<T>,
  name: string,
  { plural, cursor, totalCount }: { plural: string; cursor?: string; totalCount?: string },
) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true, description: `One ${name} of a page, with its cursor.` })
  class Edge {
    @Field(() => String, { description: cursor ?? 'Opaque cursor of this item; pass it as `after` or `before`.' })
    cursor!: string;

    @Field(() => Node, { description: 'The item.' })
    node!: T;
  }

  @ObjectType(`${name}Connection`, { simpleResolvers: true, description: `A page of ${plural}, Relay style.` })
  class Connection {
    @Field(() => [Edge], { description: 'The items of this page, each with its cursor.' })
    edges!: Edge[];

    @Field(() => [Node], { description: 'The items of this page (the nodes of `edges`).' })
    nodes!: T[];

    @Field(() => PageInfo, { description: 'Where this page starts and ends, and whether more precede or follow.' })
    pageInfo!: PageInfo;

    @Field(() => Int, { nullable: true, description: totalCount ?? `All ${plural}, when the provider reports the total.` })
    totalCount!: number | null;
  }

  return { Edge, Connection };
}

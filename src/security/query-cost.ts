import {
  getNamedType,
  isAbstractType,
  isCompositeType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  valueFromASTUntyped,
  type ConstDirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { boundedListArgument, listLength } from './list-arguments';

/**
 * Demand control as the IBM GraphQL Cost Directives specification and Apollo Router define it,
 * read from the schema's own `@cost` / `@listSize`, so that this subgraph and a router in front
 * of it estimate an operation alike (formula in the README, "Query cost").
 */
export const QUERY_COST = Object.freeze({
  maxCost: 5_000,
  /** `@cost` of a field that makes a provider round trip (objects cost 1, scalars and enums 0). */
  providerCallWeight: 2,
  /** Apollo's weight of a mutation root field. */
  mutationWeight: 10,
  /** Items assumed in a list with no `@listSize` (Apollo Router: `static_estimated.list_size`). */
  defaultListSize: 10,
});

export function cost(weight: number): string {
  return `@cost(weight: ${weight})`;
}

export function listSize(options: { slicingArguments?: string[]; sizedFields?: string[]; assumedSize?: number }): string {
  const parts: string[] = [];
  if (options.assumedSize !== undefined) parts.push(`assumedSize: ${options.assumedSize}`);
  if (options.slicingArguments) parts.push(`slicingArguments: ${JSON.stringify(options.slicingArguments)}`);
  if (options.sizedFields) parts.push(`sizedFields: ${JSON.stringify(options.sizedFields)}`);
  if (options.slicingArguments) parts.push('requireOneSlicingArgument: false');
  return `@listSize(${parts.join(', ')})`;
}

/** The arguments a paged field slices by (each must be among its slicingArguments). */
export const PAGED_SLICING_ARGUMENTS = ['first', 'last'] as const;

interface ListSize {
  assumedSize?: number;
  slicingArguments: string[];
  sizedFields: string[];
}

interface FieldCosts {
  weight?: number;
  listSize?: ListSize;
}

export interface CostEstimate {
  cost: number;
  /** The costliest chain of fields, as `a.b(first: 10).c`. */
  path: string;
  /** The paged fields the operation uses, as `relationships(first: N)`. */
  pagedFields: string[];
}

interface Scored {
  cost: number;
  /** The costliest child and its own path. */
  path: string;
}

export interface QueryCost {
  estimate(document: DocumentNode, operation: OperationDefinitionNode, variables: Readonly<Record<string, unknown>>): CostEstimate;
}

/**
 * Reads every field's `@cost` and `@listSize` from the built schema once, and checks that each
 * paged field sizes all of its connection's lists (a list left out would be counted with the
 * default size, and the router would disagree only on that), so a schema change that adds one
 * fails here rather than estimating low.
 */
export function createQueryCost(schema: GraphQLSchema, limits: typeof QUERY_COST = QUERY_COST): QueryCost {
  const declared = new Map<string, FieldCosts>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) && !(isAbstractType(type) && 'getFields' in type)) continue;
    if (type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields()) as GraphQLField<unknown, unknown>[]) {
      const costs = fieldCosts(field);
      if (costs.listSize) checkSizedFields(type.name, field, costs.listSize);
      if (costs.weight !== undefined || costs.listSize) declared.set(`${type.name}.${field.name}`, costs);
    }
  }
  const mutationType = schema.getMutationType()?.name;

  return {
    estimate(document, operation, variables) {
      const fragments = new Map<string, FragmentDefinitionNode>();
      for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
      const fragmentScores = new Map<string, Scored>();
      const used = new Set<string>();

      const intValue = (node: ValueNode): number | undefined => {
        const value = node.kind === Kind.VARIABLE ? variables[node.name.value] : valueFromASTUntyped(node, variables as Record<string, unknown>);
        return typeof value === 'number' && Number.isFinite(value) ? Math.max(0, value) : undefined;
      };

      /** The size a `@listSize` gives: the largest slicing argument given, else its default, else the assumed size. */
      const sizeOf = (field: GraphQLField<unknown, unknown>, node: FieldNode, size: ListSize): number | undefined => {
        const given = size.slicingArguments.flatMap((name) => {
          const argument = node.arguments?.find((arg) => arg.name.value === name);
          const value = argument ? intValue(argument.value) : undefined;
          return value === undefined ? [] : [value];
        });
        if (given.length) return Math.max(...given);
        const defaults = size.slicingArguments.flatMap((name) => {
          const value = field.args.find((arg) => arg.name === name)?.defaultValue;
          return typeof value === 'number' ? [value] : [];
        });
        if (defaults.length) return Math.max(...defaults);
        return size.assumedSize;
      };

      const countedLength = (node: FieldNode, parentType: string): number | undefined => {
        const argumentName = boundedListArgument(parentType, node.name.value);
        const argument = argumentName ? node.arguments?.find((arg) => arg.name.value === argumentName) : undefined;
        return argument ? listLength(argument.value, variables) : undefined;
      };

      const scoreSelections = (parent: GraphQLCompositeType, selectionSet: SelectionSetNode, sizedHere: Map<string, number> | null): Scored => {
        let total = 0;
        let best: Scored = { cost: 0, path: '' };
        const consider = (scored: Scored) => {
          total += scored.cost;
          if (scored.cost > best.cost) best = scored;
        };
        for (const selection of selectionSet.selections) {
          if (selection.kind === Kind.FIELD) {
            consider(scoreField(parent, selection, sizedHere?.get(selection.name.value)));
          } else if (selection.kind === Kind.INLINE_FRAGMENT) {
            const on = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
            if (on && isCompositeType(on)) consider(scoreSelections(on, selection.selectionSet, sizedHere));
          } else {
            // Memoised by name and the sizes it inherits, so that fragments spreading fragments cost linear time.
            const name = selection.name.value;
            const key = sizedHere ? `${name}@${JSON.stringify([...sizedHere])}` : name;
            let scored = fragmentScores.get(key);
            if (!scored) {
              fragmentScores.set(key, { cost: 0, path: '' }); // a cycle (refused by validation anyway) adds nothing
              const fragment = fragments.get(name);
              const on = fragment && schema.getType(fragment.typeCondition.name.value);
              scored = fragment && on && isCompositeType(on) ? scoreSelections(on, fragment.selectionSet, sizedHere) : { cost: 0, path: '' };
              fragmentScores.set(key, scored);
            }
            consider(scored);
          }
        }
        return { cost: total, path: best.path };
      };

      const scoreField = (parent: GraphQLCompositeType, node: FieldNode, sizedByParent: number | undefined): Scored => {
        const name = node.name.value;
        if (name.startsWith('__') || !('getFields' in parent)) return { cost: 0, path: '' };
        const field = parent.getFields()[name] as GraphQLField<unknown, unknown> | undefined;
        if (!field) return { cost: 0, path: '' };
        const costs = declared.get(`${parent.name}.${name}`) ?? {};
        const namedType = getNamedType(field.type);
        const isList = isListOutput(field.type);

        let weight = costs.weight ?? (parent.name === mutationType ? limits.mutationWeight : isCompositeType(namedType) ? 1 : 0);
        let children: Scored = { cost: 0, path: '' };
        let sizedChildren: Map<string, number> | null = null;
        let label = node.alias ? `${node.alias.value}:${name}` : name;

        const size = costs.listSize ? sizeOf(field, node, costs.listSize) : undefined;
        if (costs.listSize && size !== undefined) {
          used.add(`${name}(${costs.listSize.slicingArguments[0] ?? 'first'}: N)`);
          const slicing = costs.listSize.slicingArguments.filter((arg) => node.arguments?.some((given) => given.name.value === arg));
          label += `(${slicing.length ? slicing.map((arg) => `${arg}: ${size}`).join(', ') : `${size} by default`})`;
          if (costs.listSize.sizedFields.length) sizedChildren = new Map(costs.listSize.sizedFields.map((sized) => [sized, size]));
        }
        if (node.selectionSet && isCompositeType(namedType)) children = scoreSelections(namedType, node.selectionSet, sizedChildren);

        let instances = 1;
        if (isList) {
          instances = sizedByParent ?? (sizedChildren ? undefined : size) ?? countedLength(node, parent.name) ?? costs.listSize?.assumedSize ?? limits.defaultListSize;
        }
        let argumentsCost = 0;
        for (const argument of node.arguments ?? []) {
          const definition = field.args.find((arg) => arg.name === argument.name.value);
          if (definition && isInputObjectType(getNamedType(definition.type))) argumentsCost += 1;
        }
        weight += children.cost;
        const total = instances * weight + argumentsCost;
        return { cost: total, path: children.path ? `${label}.${children.path}` : label };
      };

      const root = operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
      const scored = root ? scoreSelections(root, operation.selectionSet, null) : { cost: 0, path: '' };
      return { cost: scored.cost, path: scored.path, pagedFields: [...used] };
    },
  };
}

function isListOutput(type: GraphQLOutputType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

function fieldCosts(field: GraphQLField<unknown, unknown>): FieldCosts {
  const directives: readonly ConstDirectiveNode[] = field.astNode?.directives ?? [];
  const costs: FieldCosts = {};
  for (const directive of directives) {
    const args = Object.fromEntries((directive.arguments ?? []).map((arg) => [arg.name.value, valueFromASTUntyped(arg.value)]));
    if (directive.name.value === 'cost' && typeof args.weight === 'number') costs.weight = args.weight;
    if (directive.name.value === 'listSize') {
      costs.listSize = {
        assumedSize: typeof args.assumedSize === 'number' ? args.assumedSize : undefined,
        slicingArguments: Array.isArray(args.slicingArguments) ? (args.slicingArguments as string[]) : [],
        sizedFields: Array.isArray(args.sizedFields) ? (args.sizedFields as string[]) : [],
      };
    }
  }
  return costs;
}

function checkSizedFields(typeName: string, field: GraphQLField<unknown, unknown>, size: ListSize): void {
  const coordinate = `${typeName}.${field.name}`;
  for (const arg of field.args) {
    if ((PAGED_SLICING_ARGUMENTS as readonly string[]).includes(arg.name) && !size.slicingArguments.includes(arg.name)) {
      throw new Error(`${coordinate}(${arg.name}:) pages but is not among its @listSize slicingArguments; add it`);
    }
  }
  const returned = getNamedType(field.type);
  if (isListOutput(field.type) || !isObjectType(returned)) return;
  for (const child of Object.values(returned.getFields())) {
    if (isListOutput(child.type) && isCompositeType(getNamedType(child.type)) && !size.sizedFields.includes(child.name)) {
      throw new Error(`${coordinate} returns ${returned.name}, whose list ${child.name} is not among its @listSize sizedFields; add it`);
    }
  }
}

/** The refusal's message: what counted, how to fit, the costliest part, the limit. */
export function costRefusalMessage(estimate: CostEstimate, maxCost: number, limits: typeof QUERY_COST = QUERY_COST): string {
  const sized = estimate.pagedFields.map((paged) => `\`${paged}\``);
  const multipliers = sized.length
    ? `each ${sized.join(', ')} multiplies its subtree (its nodes or edges) by N`
    : `each list multiplies its subtree by its size (${limits.defaultListSize} when the schema gives none)`;
  return (
    `This operation is estimated to cost ${estimate.cost}, over the limit of ${maxCost}. Each object costs 1, each field that calls a provider ` +
    `${limits.providerCallWeight}, and ${multipliers}. The costliest part is ${estimate.path}. Ask for smaller pages or fewer nested hops, or split the operation.`
  );
}

import { registerEnumType } from 'type-graphql';

/** The GraphQL enum object of a list: each value under its upper-case name (USER_LINKED = 'user_linked'). */
export type EnumOf<V extends string> = { readonly [K in V as Uppercase<K>]: K };

/**
 * Registers a GraphQL enum whose values are a list declared once elsewhere (in list order), so the
 * two cannot drift; every value needs its description.
 */
export function enumFromList<V extends string>(values: readonly V[], options: { name: string; description: string; descriptions: Record<V, string> }): EnumOf<V> {
  const enumObject = Object.fromEntries(values.map((value) => [value.toUpperCase(), value])) as EnumOf<V>;
  registerEnumType(enumObject, {
    name: options.name,
    description: options.description,
    valuesConfig: Object.fromEntries(values.map((value) => [value.toUpperCase(), { description: options.descriptions[value] }])) as Record<keyof EnumOf<V>, { description: string }>,
  });
  return enumObject;
}

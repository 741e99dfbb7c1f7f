/**
 * The providers, in the order they are listed everywhere (config messages, GraphQL enum, id form).
 * The one list of names: src/providers/index.ts must hold a module for each (a compile error otherwise).
 */
export const PROVIDERS = ['verato', 'verifa', 'auth0', 'btcdirect'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

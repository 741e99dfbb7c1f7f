/**
 * Verato's three entity stacks (contracts-verato-verifa.md §1.1, specs/verato/*-openapi.yml): each
 * its own base path below the tenant's host, with the same operation names. Only the Person stack
 * versions its query operations under `/v2/`.
 */
export const VERATO_STACKS = {
  person: { basePath: '/link-ws/svc', queryPrefix: '/v2' },
  provider: { basePath: '/provider-link-ws/svc', queryPrefix: '' },
  organization: { basePath: '/org-link-ws/svc', queryPrefix: '' },
} as const;

export type VeratoStack = keyof typeof VERATO_STACKS;

export const VERATO_STACK_NAMES = Object.keys(VERATO_STACKS) as VeratoStack[];

/** The stack whose base path a URL's path ends with, if any. */
export function stackOfPath(path: string): VeratoStack | undefined {
  const trimmed = path.replace(/\/+$/, '');
  return VERATO_STACK_NAMES.find((stack) => trimmed.endsWith(VERATO_STACKS[stack].basePath));
}

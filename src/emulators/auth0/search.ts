import type { Auth0User } from './store';

/**
 * The subset of Auth0's Lucene user-search syntax the emulator understands:
 *
 *   query  := term ( "AND" term )*
 *   term   := field ":" value | field ":(" value ( "OR" value )* ")"
 *   value  := a double-quoted string (backslash escapes allowed)
 *
 * e.g. `user_id:("auth0|a" OR "google-oauth2|b")`,
 * `identities.user_id:"123" AND identities.provider:"github"`, `email:"a@b.c"`.
 * Anything else (unquoted values, wildcards, ranges, NOT, lower-case operators, unknown fields)
 * is rejected so clients cannot come to depend on syntax the emulator would answer wrongly.
 */
export type UserPredicate = (user: Auth0User) => boolean;

export type ParsedQuery = { ok: true; matches: UserPredicate } | { ok: false; reason: string };

type Token =
  | { kind: 'field'; name: string }
  | { kind: 'value'; text: string }
  | { kind: 'and' | 'or' | 'open' | 'close' };

interface Term {
  field: string;
  values: string[];
}

const FIELD_VALUES: Record<string, (user: Auth0User) => string[]> = {
  user_id: (user) => [user.user_id],
  // (inferred) e-mail search is case-insensitive, as Auth0 stores e-mails lower-cased.
  email: (user) => (user.email ? [user.email.toLowerCase()] : []),
  name: (user) => (user.name ? [user.name] : []),
  'identities.user_id': (user) => user.identities.map((identity) => String(identity.user_id)),
  'identities.provider': (user) => user.identities.map((identity) => identity.provider),
  'identities.connection': (user) => user.identities.map((identity) => identity.connection),
};

export function parseUserQuery(query: string): ParsedQuery {
  const tokens = tokenize(query);
  if (!tokens) return { ok: false, reason: 'unsupported query syntax' };
  const terms = parseTerms(tokens);
  if (!terms) return { ok: false, reason: 'unsupported query syntax' };
  const unknown = terms.find((term) => !(term.field in FIELD_VALUES));
  if (unknown) return { ok: false, reason: `unsupported field ${unknown.field}` };
  // (inferred) each term is matched on its own against all of a user's identities, as a flattened
  // (not nested) search index does: `identities.user_id:"x" AND identities.provider:"y"` may match
  // a user whose x and y come from two different identities.
  return { ok: true, matches: (user) => terms.every((term) => termMatches(term, user)) };
}

function termMatches(term: Term, user: Auth0User): boolean {
  const wanted = term.field === 'email' ? term.values.map((value) => value.toLowerCase()) : term.values;
  return FIELD_VALUES[term.field](user).some((value) => wanted.includes(value));
}

function parseTerms(tokens: Token[]): Term[] | undefined {
  const terms: Term[] = [];
  let position = 0;
  while (position < tokens.length) {
    if (terms.length > 0) {
      if (tokens[position]?.kind !== 'and') return undefined;
      position++;
    }
    const field = tokens[position];
    if (field?.kind !== 'field') return undefined;
    const parsed = parseValues(tokens, position + 1);
    if (!parsed) return undefined;
    terms.push({ field: field.name, values: parsed.values });
    position = parsed.next;
  }
  return terms.length > 0 ? terms : undefined;
}

function parseValues(tokens: Token[], start: number): { values: string[]; next: number } | undefined {
  const first = tokens[start];
  if (first?.kind === 'value') return { values: [first.text], next: start + 1 };
  if (first?.kind !== 'open') return undefined;
  const values: string[] = [];
  let position = start + 1;
  for (;;) {
    const value = tokens[position];
    if (value?.kind !== 'value') return undefined;
    values.push(value.text);
    const separator = tokens[position + 1];
    if (separator?.kind === 'close') return { values, next: position + 2 };
    if (separator?.kind !== 'or') return undefined;
    position += 2;
  }
}

const FIELD_PATTERN = /^[A-Za-z_][A-Za-z0-9_.]*:/;

function tokenize(query: string): Token[] | undefined {
  const tokens: Token[] = [];
  let rest = query.trim();
  while (rest.length > 0) {
    const field = FIELD_PATTERN.exec(rest);
    if (field) {
      tokens.push({ kind: 'field', name: field[0].slice(0, -1) });
      rest = rest.slice(field[0].length);
    } else if (rest.startsWith('"')) {
      const quoted = readQuoted(rest);
      if (!quoted) return undefined;
      tokens.push({ kind: 'value', text: quoted.text });
      rest = rest.slice(quoted.length);
    } else if (rest[0] === '(' || rest[0] === ')') {
      tokens.push({ kind: rest[0] === '(' ? 'open' : 'close' });
      rest = rest.slice(1);
    } else {
      const operator = /^(AND|OR)(?=[\s("]|$)/.exec(rest);
      if (!operator) return undefined;
      tokens.push({ kind: operator[1] === 'AND' ? 'and' : 'or' });
      rest = rest.slice(operator[0].length);
    }
    rest = rest.trimStart();
  }
  return tokens;
}

/** Reads a double-quoted string at the start of `text`; `length` includes both quotes. */
function readQuoted(text: string): { text: string; length: number } | undefined {
  let value = '';
  for (let index = 1; index < text.length; index++) {
    const char = text[index];
    if (char === '"') return { text: value, length: index + 1 };
    if (char === '\\') {
      index++;
      if (index >= text.length) return undefined;
      value += text[index];
    } else {
      value += char;
    }
  }
  return undefined;
}

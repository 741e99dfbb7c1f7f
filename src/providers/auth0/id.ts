import type { NativeIdGrammar } from '../provider-module';

/** An Auth0 user_id, `<connection>|<id>`, e.g. google-oauth2|1150…. */
export interface Auth0IdParts {
  connection: string;
  userId: string;
}

const USER_ID = /^([a-z0-9][a-z0-9-]{0,49})\|([^\s"\\|]{1,200})$/;
/**
 * The user id becomes a URL path segment: refused when a URL parser or Auth0 could read it as
 * something else, a slash, a backslash, a percent sign (a pre-encoded %2F or %2E that a decoding
 * hop would turn into one) or a control character, and a dot segment ("." or "..", which URL
 * parsers fold away).
 */
const UNSAFE_IN_PATH = /[/\\%\x00-\x1f\x7f]/;
const DOT_SEGMENT = /^\.\.?$/;

export const AUTH0_ID: NativeIdGrammar<Auth0IdParts> = {
  example: 'google-oauth2|1150',
  parse(nativeId, fail) {
    const match = USER_ID.exec(nativeId);
    if (!match) return fail('an Auth0 id is "auth0:<connection>|<user id>"');
    if (DOT_SEGMENT.test(match[2]) || UNSAFE_IN_PATH.test(match[2])) {
      return fail('an Auth0 user id may not be "." or ".." nor hold "/", "\\", "%" or control characters');
    }
    return { connection: match[1], userId: match[2] };
  },
};

/** A parsed global id of this provider. */
export type Auth0GlobalId = { provider: 'auth0'; nativeId: string } & Auth0IdParts;

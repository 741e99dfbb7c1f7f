import { createTokenLimit } from './operation-limits';

/** `{ a a a … }`: n field tokens plus the two braces. */
const queryOfTokens = (tokens: number) => `{ ${Array.from({ length: tokens - 2 }, () => 'a').join(' ')} }`;

describe('token limit', () => {
  it('accepts an operation of exactly the limit, refuses one more token', () => {
    const exceeds = createTokenLimit(50);
    expect(exceeds(queryOfTokens(50))).toBe(false);
    expect(exceeds(queryOfTokens(51))).toBe(true);
  });

  it('leaves syntax errors to the parser', () => {
    expect(createTokenLimit(50)('{ "unterminated ')).toBe(false);
  });

  it('remembers texts within the limit but never one above it', () => {
    const exceeds = createTokenLimit(10);
    const small = queryOfTokens(5);
    const big = queryOfTokens(20);
    for (let i = 0; i < 3; i++) {
      expect(exceeds(small)).toBe(false);
      expect(exceeds(big)).toBe(true);
    }
  });
});

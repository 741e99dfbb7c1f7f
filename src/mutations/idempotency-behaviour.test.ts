import { describeIdempotencyBehaviour } from '../../test/support/idempotency-behaviour';
import { InMemoryIdempotencyStore } from './idempotency';

// The same suite runs against RedisIdempotencyStore in src/shared-state/redis-idempotency-store.test.ts.
const store = new InMemoryIdempotencyStore();
describeIdempotencyBehaviour('in memory', () => [store, store]);

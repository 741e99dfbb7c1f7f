import { randomBytes, randomUUID } from 'node:crypto';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { UpstreamCallBudget } from '../providers/http/budget';
import type { VeratoClient } from '../providers/verato/client';
import type { VeratoNotification } from '../providers/verato/wire';
import type { SharedState } from '../shared-state';
import type { ProviderCaches } from './provider-caches';

/**
 * Changes made in Verato outside the subgraph (another system's link, unlink or merge) would
 * show only once the cached records expire. This poller reads Verato's change feed
 * (`/searchNotifications`, polled: Verato has no webhooks) every period, and when the feed names
 * any cluster it moves the Verato record kinds on to a new generation, as a write through the
 * subgraph does (one change may reshape the clusters of members it does not name).
 *
 * With Redis one replica polls per period: the one that takes the lock, a lease a little shorter
 * than the period and never released early, so the others' timers find it taken. Where the feed
 * was read up to (the end of the last window read) is kept in Redis, so whichever replica polls
 * next continues from there. Without Redis each process polls for itself.
 *
 * A failed poll (Verato or Redis down) is logged at warn, counted, and leaves the cursor where it
 * was, so the next poll reads the missed window too; it never rejects.
 */
export interface VeratoNotificationPoller {
  /** The period in seconds (0: no timer; `pollOnce` still works). */
  readonly periodSeconds: number;
  /** One poll now, as the timer would run it. */
  pollOnce(): Promise<PollResult>;
  /** Starts the timer (no-op with period 0 or when started). */
  start(): void;
  /** Stops the timer and waits for a poll in flight. */
  stop(): Promise<void>;
}

/** `changed`: the feed named a cluster and the cache moved on; `skipped`: another replica holds this period. */
export type PollResult = 'changed' | 'unchanged' | 'skipped' | 'failed';

export interface VeratoNotificationPollerOptions {
  client: Pick<VeratoClient, 'searchNotifications'>;
  caches: Pick<ProviderCaches, 'invalidateVerato'>;
  shared: Pick<SharedState, 'redis' | 'keys'>;
  periodSeconds: number;
  /** Deadline of each feed request. */
  requestDeadlineMs: number;
  logger?: Pick<Logger, 'warn'>;
  metrics?: Pick<Metrics, 'veratoNotificationPolls'>;
  now?: () => number;
}

const PAGE_SIZE = 100;
/** Pages read per poll at most; past it the cache moves on anyway (more changes than pages can hold). */
const MAX_PAGES = 10;
/** The cursor outlives any plausible outage; a lost cursor restarts the feed one period back. */
const CURSOR_TTL_SECONDS = 7 * 86_400;
const CALLS_PER_POLL = MAX_PAGES;

/** The lease: the period less a tenth (at most 2 s), so the next period's poll always finds it free. */
export function pollLeaseMs(periodSeconds: number): number {
  const periodMs = periodSeconds * 1000;
  return Math.max(1, periodMs - Math.min(2_000, periodMs / 10));
}

export function createVeratoNotificationPoller(options: VeratoNotificationPollerOptions): VeratoNotificationPoller {
  const now = options.now ?? Date.now;
  const { redis, keys } = options.shared;
  const lockKey = keys.plainName('verato-notifications', 'lock');
  const cursorKey = keys.plainName('verato-notifications', 'cursor');
  // Before any cursor (first poll of the fleet): changes since this process began.
  let localCursor = new Date(now()).toISOString();
  let timer: NodeJS.Timeout | null = null;
  let inFlight: Promise<PollResult> | null = null;
  let stopped = false;

  const count = (result: PollResult) => options.metrics?.veratoNotificationPolls.inc({ result });

  async function takePeriod(): Promise<boolean> {
    if (!redis || options.periodSeconds <= 0) return true;
    const owner = randomBytes(12).toString('base64url');
    const got = await redis.call('notifications lock', (client) => client.set(lockKey, owner, 'PX', pollLeaseMs(options.periodSeconds), 'NX'));
    return got === 'OK';
  }

  async function readCursor(): Promise<string> {
    if (!redis) return localCursor;
    const stored = await redis.call('notifications cursor get', (client) => client.get(cursorKey));
    return stored && !Number.isNaN(Date.parse(stored)) ? stored : localCursor;
  }

  async function writeCursor(cursor: string): Promise<void> {
    localCursor = cursor;
    if (redis) await redis.call('notifications cursor set', (client) => client.set(cursorKey, cursor, 'EX', CURSOR_TTL_SECONDS));
  }

  async function poll(): Promise<PollResult> {
    try {
      if (!(await takePeriod())) return 'skipped';
      const startDate = await readCursor();
      // The window is [startDate, endDate): the next one starts where this one ended.
      const endDate = new Date(Math.max(now(), Date.parse(startDate))).toISOString();
      const ctx = { requestId: `verato-notifications-${randomUUID()}`, deadline: now() + options.requestDeadlineMs, budget: new UpstreamCallBudget(CALLS_PER_POLL) };
      let changed = false;
      for (let pageNumber = 0; ; pageNumber += 1) {
        if (pageNumber === MAX_PAGES) {
          changed = true;
          break;
        }
        const page = await options.client.searchNotifications(ctx, { pageNumber, pageSize: PAGE_SIZE, startDate, endDate });
        if ((page.notifications ?? []).some(namesACluster)) {
          changed = true;
          break;
        }
        if (!page.hasNext) break;
      }
      if (changed) await options.caches.invalidateVerato();
      await writeCursor(endDate);
      return changed ? 'changed' : 'unchanged';
    } catch (error) {
      // The error's message names the provider and operation (no record data: Verato's text is not passed on).
      options.logger?.warn({ poller: 'verato-notifications', err: error instanceof Error ? error.message : String(error) }, 'Verato notification poll failed; changes made outside the subgraph show within the cache TTL until a poll succeeds');
      return 'failed';
    }
  }

  function pollOnce(): Promise<PollResult> {
    // One poll at a time in this process: the timer's and an explicit one share it.
    if (!inFlight) {
      inFlight = poll()
        .then((result) => {
          count(result);
          return result;
        })
        .finally(() => {
          inFlight = null;
        });
    }
    return inFlight;
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      void pollOnce().finally(schedule);
    }, options.periodSeconds * 1000);
    timer.unref();
  }

  return {
    periodSeconds: options.periodSeconds,
    pollOnce,
    start() {
      if (options.periodSeconds <= 0 || timer || stopped) return;
      schedule();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await inFlight?.catch(() => undefined);
    },
  };
}

/** Whether a notification names a source record or a Link ID (merge, link, unlink and the like). */
function namesACluster(notification: VeratoNotification): boolean {
  const body = notification.notificationLowerCaseBody;
  if (!body) return false;
  return [body.previousLinkId, body.newLinkId, body.nativeId, body.survivingNativeId, body.retiredNativeId].some((value) => typeof value === 'string' && value.length > 0);
}

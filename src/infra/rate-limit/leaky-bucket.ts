import type { Redis } from 'ioredis';

/**
 * A leaky bucket per key in Redis, filled by query cost and drained at a steady rate (the model
 * GitHub's and Shopify's GraphQL APIs use). One Lua script takes from several buckets atomically:
 * a request passes only when every bucket (tenant, token) has room for its cost.
 */
const SCRIPT = `
local now = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
local n = #KEYS
local levels = {}
for i = 1, n do
  local capacity = tonumber(ARGV[1 + 2 * i])
  local rate = tonumber(ARGV[2 + 2 * i])
  local state = redis.call('HMGET', KEYS[i], 'level', 'ts')
  local level = tonumber(state[1]) or 0
  local ts = tonumber(state[2]) or now
  level = math.max(0, level - (now - ts) / 1000 * rate)
  levels[i] = level
  if level + cost > capacity then
    local wait = math.ceil((level + cost - capacity) / rate * 1000)
    return {0, i, math.floor(capacity - level), wait}
  end
end
local remaining = {}
for i = 1, n do
  local capacity = tonumber(ARGV[1 + 2 * i])
  local rate = tonumber(ARGV[2 + 2 * i])
  local level = levels[i] + cost
  redis.call('HSET', KEYS[i], 'level', level, 'ts', now)
  redis.call('PEXPIRE', KEYS[i], math.ceil(capacity / rate * 1000) + 1000)
  remaining[i] = math.floor(capacity - level)
end
return {1, 0, remaining[1] or 0, remaining[2] or 0}
`;

export interface BucketSpec {
  key: string;
  capacity: number;
  /** Points restored per second. */
  restorePerSecond: number;
}

export type BucketOutcome =
  | { allowed: true; remaining: number[] }
  | { allowed: false; bucket: string; remaining: number; retryAfterMs: number };

export class LeakyBucketLimiter {
  constructor(private readonly redis: Redis) {
    if (!('takeFromBuckets' in redis)) {
      redis.defineCommand('takeFromBuckets', { lua: SCRIPT });
    }
  }

  async take(buckets: readonly BucketSpec[], cost: number): Promise<BucketOutcome> {
    const args = [Date.now(), cost, ...buckets.flatMap((b) => [b.capacity, b.restorePerSecond])];
    const call = (this.redis as unknown as { takeFromBuckets: (n: number, ...a: (string | number)[]) => Promise<number[]> }).takeFromBuckets;
    const [ok, index, a, b] = await call.call(this.redis, buckets.length, ...buckets.map((x) => x.key), ...args);
    if (ok === 1) return { allowed: true, remaining: [a!, b!].slice(0, buckets.length) };
    return { allowed: false, bucket: buckets[index! - 1]!.key, remaining: a!, retryAfterMs: b! };
  }
}

/**
 * The fixed-window limiter script of `@upstash/ratelimit` 2.2 (its `fixedWindow` algorithm sends
 * exactly this body as EVALSHA, falling back to EVAL), for the EVALSHA figures in a shard
 * (bench/engine.mjs) and over HTTP (bench/workloads.mjs). Arguments: KEYS = [counter],
 * ARGV = [limit, window ms, increment].
 */
import { createHash } from "node:crypto";

export const FIXED_WINDOW_SCRIPT = `#!lua flags=allow-key-locking
  local key           = KEYS[1]
  local dynamicLimitKey = KEYS[2]  -- optional: key for dynamic limit in redis
  local tokens        = tonumber(ARGV[1])  -- default limit
  local window        = ARGV[2]
  local incrementBy   = ARGV[3] -- increment rate per request at a given value, default is 1

  -- Check for dynamic limit
  local effectiveLimit = tokens
  if dynamicLimitKey and dynamicLimitKey ~= "" then
    local dynamicLimit = redis.call("GET", dynamicLimitKey)
    if dynamicLimit then
      effectiveLimit = tonumber(dynamicLimit)
    end
  end

  local r = redis.call("INCRBY", key, incrementBy)
  if r == tonumber(incrementBy) then
  -- The first time this key is set, the value will be equal to incrementBy.
  -- So we only need the expire command once
  redis.call("PEXPIRE", key, window)
  end

  return {r, effectiveLimit}
`;

export const FIXED_WINDOW_SHA = createHash("sha1").update(FIXED_WINDOW_SCRIPT).digest("hex");

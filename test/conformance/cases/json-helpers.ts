/**
 * What the JSON cases share: where their expectations come from (RedisJSON has no server in the
 * reference target, so each case names its source in `fromDocs`).
 */
export const doc = (cmd: string) => `RedisJSON v2.6 docs/commands/json.${cmd}.md`;
export const TESTS = "RedisJSON v2.6.24 tests/pytest/test.py";
export const SOURCE = "RedisJSON v2.6.24 redis_json/src/commands.rs, manager.rs (error texts)";

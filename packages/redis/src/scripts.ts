import { createHash } from "node:crypto";

/** A Lua script and its SHA-1, for `EVALSHA` (sent in full with `EVAL` only when Redis does not know it yet). */
export interface Script {
  readonly source: string;
  readonly sha: string;
}

function script(source: string): Script {
  return { source, sha: createHash("sha1").update(source).digest("hex") };
}

/**
 * True when the record JSON in `current` is of a task that has ended. Records
 * are written with `status` as their first key (see `encodeRecord`), so this
 * reads the head of the string, not a payload that happens to hold a `status`.
 */
const TERMINAL = `
local function terminal(current)
  if not current then return false end
  local status = string.match(current, '^{"status":"(%a+)"')
  return status == 'completed' or status == 'failed' or status == 'cancelled'
end
`;

/**
 * Creates a task unless the owner has one with that id, in one step (two
 * replicas may be asked for the same client-chosen id at once), and counts it
 * among the running tasks of this replica (for its lease). A new task with the
 * id of an expired one starts with an empty log and no expiry entry.
 *
 * KEYS: record, owner index, event log, expiry index, this replica's running set, the replica index.
 * ARGV: record JSON, created_at, task id, expiry member, replica id. Returns 1 when created, 0 when the id was taken.
 */
export const CREATE_TASK = script(`
if not redis.call('SET', KEYS[1], ARGV[1], 'NX') then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
redis.call('DEL', KEYS[3])
redis.call('ZREM', KEYS[4], ARGV[4])
redis.call('SADD', KEYS[5], ARGV[4])
redis.call('SADD', KEYS[6], ARGV[5])
return 1
`);

/**
 * Writes a record unless the stored one has ended: an ended task never comes
 * back (a replica whose lease lapsed, but which still runs, cannot undo the
 * `failed` another replica wrote).
 *
 * KEYS: record. ARGV: record JSON, and the expiry (ms since the epoch) for a finished one.
 */
export const SAVE_RECORD = script(`${TERMINAL}
if terminal(redis.call('GET', KEYS[1])) then return 0 end
if ARGV[2] then redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[2]) else redis.call('SET', KEYS[1], ARGV[1]) end
return 1
`);

/**
 * Logs a terminal event unless the stored record has ended already, so a log
 * holds one terminal event, whoever ended the task.
 *
 * KEYS: record, event log. ARGV: entry id, event, payload JSON, MAXLEN.
 */
export const APPEND_TERMINAL = script(`${TERMINAL}
if terminal(redis.call('GET', KEYS[1])) then return 0 end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], ARGV[1], 'e', ARGV[2], 'p', ARGV[3])
return 1
`);

/**
 * Ends a task of a replica whose lease lapsed, if its record is still the one
 * read (compare and set): of several replicas that notice at once, one does it.
 *
 * When another replica is judged its lease comes as a fifth key, and a lease
 * that is there again means no: the replica came back under the same id after
 * the judge read its lease as lapsed, and the task, read from its running set
 * since, may be one the new run started (a live task, failed by mistake). A
 * replica failing its own previous run's tasks at start passes no lease: the
 * killed run's may not have run out yet.
 *
 * KEYS: record, event log, expiry index, the replica's running set, [the judged replica's lease].
 * ARGV: record JSON as read, failed record JSON, expiry, entry id, payload JSON, expiry member, MAXLEN,
 * the task's end channel (told, for replicas that wait for its end).
 * Returns 1 when this call failed the task.
 */
export const FAIL_TASK = script(`
if KEYS[5] and redis.call('EXISTS', KEYS[5]) == 1 then return 0 end
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PXAT', ARGV[3])
redis.pcall('XADD', KEYS[2], 'MAXLEN', '~', ARGV[7], ARGV[4], 'e', 'failed', 'p', ARGV[5])
redis.call('PEXPIREAT', KEYS[2], ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[6])
redis.call('SREM', KEYS[4], ARGV[6])
redis.call('PUBLISH', ARGV[8], 'failed')
return 1
`);

/**
 * Forgets a replica that holds no lease and runs nothing any more.
 *
 * KEYS: the replica's lease, its running set, the replica index. ARGV: replica id.
 */
export const FORGET_REPLICA = script(`
if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('SCARD', KEYS[2]) > 0 then return 0 end
redis.call('SREM', KEYS[3], ARGV[1])
return 1
`);

/**
 * Removes one finished task whose expiry is past, if it still is (another
 * replica's sweep, or a new task with the same id, may have come first).
 *
 * KEYS: expiry index, owner index, record, event log. ARGV: expiry member, task id, now.
 * Returns 1 when this call removed it.
 */
export const SWEEP_TASK = script(`
local due = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not due or tonumber(due) > tonumber(ARGV[3]) then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('DEL', KEYS[3], KEYS[4])
return 1
`);

/** Every script the store runs inside a transaction (where `EVALSHA` cannot fall back to `EVAL`): loaded at each connection. */
export const BATCH_SCRIPTS: readonly Script[] = [SAVE_RECORD, APPEND_TERMINAL, FAIL_TASK, FORGET_REPLICA, SWEEP_TASK];

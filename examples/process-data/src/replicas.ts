/**
 * The flags that run this example as one of several replicas on one Redis
 * (see docs/scaling.md):
 *
 *   --redis <url>        tasks live in Redis (`@mcpc/redis`), so every replica with the same
 *                        url (and token) sees, checks and stops them; a task another replica runs
 *                        is stopped there. Redis unreachable at start: exits 1 naming the url.
 *   --token <secret>     (HTTP) a request bearing `Authorization: Bearer <secret>` is the principal
 *                        `<secret>`, which owns its tasks on every replica; any other request gets 401.
 *                        Repeat it for several principals. Sessions closing leave their tasks running.
 *   --replica-id <id>    this replica's name in leases and in the error of its tasks if it dies
 *   --lease-ms <ms>      how long a silent replica keeps its tasks before another fails them (default 15000)
 */
import type { McpcServerOptions } from "mcpc";
import type { Authenticate } from "mcpc/http";

/** The options of `parseArgs` for these flags. */
export const REPLICA_FLAGS = {
  redis: { type: "string" },
  token: { type: "string", multiple: true },
  "replica-id": { type: "string" },
  "lease-ms": { type: "string" },
} as const;

/** The flags as `parseArgs` reads them. */
export interface ReplicaFlags {
  redis?: string | undefined;
  token?: string[] | undefined;
  "replica-id"?: string | undefined;
  "lease-ms"?: string | undefined;
}

/** Prints why a flag is wrong and exits 2 (a usage error). */
function usage(message: string): never {
  console.error(message);
  process.exit(2);
}

/**
 * The task store the flags ask for: a Redis store with `--redis`, else undefined
 * (the in-memory default). Loaded on demand, so a server without `--redis` never loads the Redis client.
 */
export async function replicaTasks(flags: ReplicaFlags): Promise<McpcServerOptions["tasks"]> {
  if (flags.redis === undefined) {
    if (flags["replica-id"] !== undefined || flags["lease-ms"] !== undefined) usage("--replica-id and --lease-ms go with --redis <url>.");
    return undefined;
  }
  let leaseMs: number | undefined;
  if (flags["lease-ms"] !== undefined) {
    leaseMs = Number(flags["lease-ms"]);
    if (!Number.isSafeInteger(leaseMs) || leaseMs <= 0) usage(`--lease-ms needs a number of milliseconds; got "${flags["lease-ms"]}".`);
  }
  const { redisStore } = await import("@mcpc/redis");
  let store: ReturnType<typeof redisStore>;
  try {
    store = redisStore({ url: flags.redis, ...(flags["replica-id"] !== undefined && { replicaId: flags["replica-id"] }), ...(leaseMs !== undefined && { leaseMs }) });
  } catch (error) {
    // A malformed url or option: said without echoing the url (it may hold a password).
    return usage(`--redis: ${messageOf(error)}`);
  }
  try {
    // serve() awaits it too; awaited here to say it in one line rather than with a stack trace.
    await store.ready();
  } catch (error) {
    console.error(`process-data: ${messageOf(error)}`);
    process.exit(1);
  }
  return { store };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * What `--token` adds to HTTP serving: an `authenticate` that makes each given
 * secret a principal of its own (and refuses every other request), and tasks
 * that outlive the session that started them (their principal reads them from any session, on any replica).
 */
export function tokenOptions(tokens: string[] | undefined): { authenticate?: Authenticate; sessionClose?: "finish" } {
  if (tokens === undefined || tokens.length === 0) return {};
  if (tokens.some((token) => token.length === 0)) usage("--token needs a non-empty secret.");
  const known = new Set(tokens);
  const authenticate: Authenticate = (request) => {
    const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? "");
    const token = match?.[1];
    return token !== undefined && known.has(token) ? { id: token } : undefined;
  };
  return { authenticate, sessionClose: "finish" };
}

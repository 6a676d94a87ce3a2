/**
 * One session on one replica, through `McpcClient` in MCPC mode: every call is a
 * native background task (answered `created` at once, its events afterwards on
 * the session's GET stream), and every event of it is counted and checked.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpcClient } from "mcpc/client";

/** What one task delivered to the client. */
export interface TaskTally {
  /** Events received, each once: `created`, the updates, the terminal event. */
  received: number;
  /** Events of the task that never arrived: (n + 2) − received. */
  lost: number;
}

export class ReplicaSession {
  readonly #client: McpcClient;

  private constructor(client: McpcClient) {
    this.#client = client;
  }

  /** Opens a session (initialize → initialized) on the replica at `url`. */
  static async open(url: URL): Promise<ReplicaSession> {
    const client = new McpcClient(new Client({ name: "mcpc-bench", version: "0.0.0" }, { capabilities: {} }));
    await client.connect(new StreamableHTTPClientTransport(url));
    return new ReplicaSession(client);
  }

  /**
   * Runs `stream(n, 0)` as a background task and reads all its events. The events
   * must carry seq 1, 2, … n + 2 in order (`created`, n updates, `complete`); a
   * missing seq counts as lost (the client recovers the task's end after a gap,
   * so a gap never hangs the count).
   * @throws Error when the task ended other than `complete`, or was never created as a background task
   */
  async runTask(n: number): Promise<TaskTally> {
    const handle = await this.#client.callTool("stream", { n, intervalMs: 0 });
    let received = 0;
    let terminal: string | undefined;
    for await (const event of handle.events()) {
      if (event.type !== "task") continue;
      received++;
      if (event.event === "complete" || event.event === "failed" || event.event === "cancelled") terminal = `${event.event}: ${JSON.stringify(event.result)}`;
    }
    await handle.result();
    if (handle.mode !== "background") throw new Error(`task ${handle.taskId} ran as ${handle.mode ?? "nothing"}, not as a background task`);
    if (!terminal?.startsWith("complete")) throw new Error(`task ${handle.taskId} ended ${terminal ?? "without a terminal event"}`);
    // The handle drops duplicates and counts gaps as missed; the last seq says how many events there were.
    if (handle.lastSeq !== n + 2) throw new Error(`task ${handle.taskId} ended at seq ${handle.lastSeq}, not ${n + 2}`);
    return { received, lost: n + 2 - received };
  }

  /** Ends the session (its tasks have ended; the replica is killed after the measurement anyway). */
  async close(): Promise<void> {
    await this.#client.close();
  }
}

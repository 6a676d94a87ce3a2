import { afterEach, describe, expect, it } from "vitest";
import { SessionTable, type HttpSession } from "../../../src/transports/http/sessionTable.js";

/** Only what the table reads of a session. */
function entry(id: string, client: string, state: { streams?: number; requests?: number; lastActivity?: number; connected?: boolean } = {}): HttpSession {
  const streams = state.streams ?? 0;
  return {
    id,
    client,
    session: state.connected === false ? undefined : {},
    openRequests: (state.requests ?? 0) + streams,
    openStreams: streams,
    lastActivity: state.lastActivity ?? 0,
  } as unknown as HttpSession;
}

const tables: SessionTable[] = [];
afterEach(() => {
  for (const table of tables.splice(0)) table.close();
});

function table(busy: (entry: HttpSession) => boolean = () => false): SessionTable {
  const made = new SessionTable(Number.POSITIVE_INFINITY, (e) => Promise.resolve(busy(e)), () => undefined);
  tables.push(made);
  return made;
}

describe("SessionTable", () => {
  it("counts sessions per client, and forgetting one twice counts once", () => {
    const sessions = table();
    sessions.add(entry("a", "address 127.0.0.2"));
    sessions.add(entry("b", "address 127.0.0.2"));
    sessions.add(entry("c", "principal alice"));
    expect([sessions.size, sessions.countOf("address 127.0.0.2"), sessions.countOf("principal alice")]).toEqual([3, 2, 1]);
    expect(sessions.delete("a")).toBe(true);
    expect(sessions.delete("a")).toBe(false);
    expect(sessions.countOf("address 127.0.0.2")).toBe(1);
  });

  it("picks the quiet session without a stream first, then the longest quiet with one; never a busy, open or unconnected one", async () => {
    const busy = new Set(["tasking"]);
    const sessions = table((e) => busy.has(e.id));
    sessions.add(entry("tasking", "x", { lastActivity: 1 }));
    sessions.add(entry("requesting", "x", { requests: 1, lastActivity: 2 }));
    sessions.add(entry("connecting", "x", { connected: false, lastActivity: 3 }));
    sessions.add(entry("listening-old", "x", { streams: 1, lastActivity: 4 }));
    sessions.add(entry("listening-new", "y", { streams: 1, lastActivity: 5 }));
    sessions.add(entry("quiet-new", "y", { lastActivity: 6 }));
    expect((await sessions.evictable())?.id).toBe("quiet-new");
    sessions.delete("quiet-new");
    expect((await sessions.evictable())?.id).toBe("listening-old");
    expect((await sessions.evictable("y"))?.id).toBe("listening-new");
    sessions.delete("listening-old");
    sessions.delete("listening-new");
    expect(await sessions.evictable()).toBeUndefined();
  });
});

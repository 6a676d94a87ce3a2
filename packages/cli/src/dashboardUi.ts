import type { ServerRuntime } from "mcpc";
import { serveDashboard, type DashboardServing } from "mcpc/dashboard";
import type { LoadedServer } from "./loadServer.js";

/** `mcpc serve --ui`: the task dashboard on its own loopback port, showing each loaded version of the server. */
export interface Ui {
  /** The page's address with its token. */
  readonly url: string;
  /** Shows a server (a version, under --watch) until the returned function is called. */
  show(server: LoadedServer, label?: string): () => void;
  close(): Promise<void>;
}

/** Starts the dashboard on `port` (0: a free one) of 127.0.0.1. */
export async function startUi(port: number): Promise<Ui> {
  const serving: DashboardServing = await serveDashboard([], { port, title: "mcpc serve" });
  return {
    url: serving.url,
    // The file may load its own copy of mcpc: the dashboard checks the runtime by shape, not by type.
    show: (server, label) => serving.dashboard.attach(server.runtime as unknown as ServerRuntime, label),
    close: () => serving.close(),
  };
}

/** The line `mcpc serve --ui` prints to stderr (tests and launchers read it). */
export function uiLine(ui: Ui): string {
  return `mcpc serve: dashboard on ${ui.url}\n`;
}

import type { ObservedRuntime } from "./observedRuntime.js";

/** A runtime attached to the dashboard: the page calls it a server. */
export interface Source {
  /** Its index in the page's server list (kept after it detaches). */
  readonly number: number;
  readonly label: string;
  readonly runtime: ObservedRuntime;
  /** False once detached: its sessions and tasks leave the page. */
  attached: boolean;
}

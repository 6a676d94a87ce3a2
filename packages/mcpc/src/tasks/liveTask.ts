import type { TaskRecord } from "./taskStore.js";
import type { TaskRunControls, TaskStartSpec } from "./taskSpec.js";
import { TaskControl } from "./taskControl.js";
import type { Deferred } from "../util/deferred.js";

/** A task the engine runs: its record, its spec, and its stop switch (the controls its generator is made with). */
export class LiveTask extends TaskControl implements TaskRunControls {
  readonly record: TaskRecord;
  readonly spec: TaskStartSpec;
  lastEventAt: number;
  /** Set once the terminal event went out; everything after is ignored. */
  finished = false;
  /** The generator has been made (the task left its queues). */
  started = false;
  /** Its concurrency places were handed on (when its generator ended, or at its stop's grace deadline). */
  released = false;
  /** Marked cancelled at the grace deadline while its tool still runs. */
  zombie = false;
  /** Settles once the generator ended; made only when somebody waits (a stop). */
  done: Deferred<void> | undefined;
  /** Why it was stopped, for the `cancelled` payload. */
  stopReason: string | undefined;
  /** Size of the last update as JSON, for the finished-record byte cap. */
  lastUpdateBytes = 0;

  constructor(record: TaskRecord, spec: TaskStartSpec, now: number) {
    super();
    this.record = record;
    this.spec = spec;
    this.lastEventAt = now;
  }

  get taskId(): string {
    return this.record.task_id;
  }
}

// prelude "task-store": the types the TaskStore interface is written in.
import type { MaybePromise, TaskRecord } from "mcpc/engine";

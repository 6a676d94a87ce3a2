// prelude "task-store": the types the TaskStore interface is written in.
import type { MaybePromise, TaskControlChannel, TaskEvent, TaskRecord } from "mcpc/engine";

// prelude "task" (after "client"): a task the client started.
declare const task: TaskHandle;

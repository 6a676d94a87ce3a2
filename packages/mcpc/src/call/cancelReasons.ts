/**
 * The reason of the `notifications/cancelled` the HTTP transport makes for the
 * requests of a POST whose client went away before their answers were written
 * (`transports/http/postCancellation.ts`). A rung can tell it from a client's own
 * cancel: with job handles on, a call dropped this way keeps its task.
 */
export const ABANDONED_REASON = "The client closed the HTTP request before its answer was written.";

// prelude "http" (after "server"): a server to serve, and the tokens the auth example checks.
declare const server: McpcServer;
/** API tokens to user ids. */
declare const tokens: Map<string, string>;

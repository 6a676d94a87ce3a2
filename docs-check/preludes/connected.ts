// prelude "connected" (after "client"): a connected client.
declare const client: McpcClient;

// prelude "members" (after "server"): the block is the body of a server class.
class Fragment extends McpcServer {
// @doc-check-block
}

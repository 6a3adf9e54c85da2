// Where an accepted insight is stored: the controller agent's own store (this value), or an http(s) URL the subscriber
// names. A module of its own so the CLI can name it without loading the signing code.
export const AGENT_STORE = "agent";

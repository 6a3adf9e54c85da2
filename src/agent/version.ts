// The agent's version, reported by /health, /v1/agent and the OpenAPI document.
export const AGENT_VERSION_TEXT = "0.1.0";

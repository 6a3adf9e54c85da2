// Attestation messages (EEA use case 6): the fourteen message objects, how they are signed and encrypted between
// agents, and how a recipient opens and checks them. See docs/identity.md, "Attestation messages".
export {
  keyAgreementOf,
  MAX_MESSAGE_TTL_SECONDS,
  MAX_REPLY_URL_CHARS,
  type MessageSender,
  type OpenEnvelopeOptions,
  type OpenedMessage,
  type OpenMessageOptions,
  openEnvelope,
  openMessage,
  replyEndpointProblem,
  type SealMessageOptions,
  sealEnvelope,
  sealMessage,
} from "./envelope.ts";
export { MemoryReplayGuard, type ReplayGuard, SqlReplayGuard } from "./replayGuard.ts";
export {
  ATTESTATION_FORMATS,
  type AttestationMessage,
  isMessageType,
  MESSAGE_CONTEXT,
  MESSAGE_TYPES,
  type MessageOf,
  MessageSchemas,
  type MessageType,
  messageSchema,
  PERSONAL_DATA_TYPES,
} from "./schemas.ts";
export { validateMessage } from "./validate.ts";

// The subscriber's EIP-712 messages to the InsightsMarket (IInsightsMarket.sol): the registration of its key for a
// consent (proof of possession), its accept or decline of an insight, and its request to read an accepted insight from
// an agent's store. The subscriber signs with its own wallet key (no member account); the agents and the contract
// recover the signer and compare it with the key registered on chain.
import { type Address, type Hex, keccak256, recoverTypedDataAddress, stringToHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";

export interface SigningDomain {
  name: string;
  version: string;
  chainId: number;
  verifyingContract: Address;
}

/** InsightsMarket's EIP712("telco-ledger InsightsMarket", "1"). */
export const signingDomain = (chainId: number, market: Address): SigningDomain => ({
  name: "telco-ledger InsightsMarket",
  version: "1",
  chainId,
  verifyingContract: market,
});

/** Where the subscriber's accepted insights go unless it names another location. */
export { AGENT_STORE } from "./subscriberLocations.ts";

/** The location's digest in the signed answer and on chain; the location itself stays off chain. */
export const locationDigestOf = (location: string): Hex => keccak256(stringToHex(location));

const SUBSCRIBER_KEY_TYPES = { SubscriberKey: [{ name: "consentId", type: "bytes32" }] } as const;
const ANSWER_TYPES = {
  InsightAnswer: [
    { name: "insightId", type: "bytes32" },
    { name: "accepted", type: "bool" },
    { name: "locationDigest", type: "bytes32" },
    { name: "deadline", type: "uint256" },
  ],
} as const;
const READING_TYPES = {
  InsightReading: [
    { name: "insightId", type: "bytes32" },
    { name: "issuedAt", type: "uint256" },
  ],
} as const;

const ENTRUST_TYPES = {
  Entrustment: [
    { name: "insightId", type: "bytes32" },
    { name: "broker", type: "address" },
    { name: "subscriberShareBps", type: "uint16" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

const FRIEND_KEY_TYPES = { FriendKey: [{ name: "key", type: "address" }] } as const;
const SHARE_TYPES = {
  InsightShare: [
    { name: "insightId", type: "bytes32" },
    { name: "friendKey", type: "address" },
    { name: "envelopeDigest", type: "bytes32" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

/** The subscriber's share of an insight it holds with a friend's registered key. */
export interface ShareMessage {
  insightId: Hex;
  friendKey: Address;
  envelopeDigest: Hex;
  deadline: bigint;
}

/** The subscriber's entrustment of an insight it accepted to a broker, with its share of each bundle sale. */
export interface EntrustMessage {
  insightId: Hex;
  broker: Address;
  subscriberShareBps: number;
  deadline: bigint;
}

export interface AnswerMessage {
  insightId: Hex;
  accepted: boolean;
  locationDigest: Hex;
  deadline: bigint;
}

export interface ReadingMessage {
  insightId: Hex;
  issuedAt: bigint;
}

export const recoverSubscriberKeySigner = (domain: SigningDomain, consentId: Hex, signature: Hex) =>
  recoverTypedDataAddress({
    domain,
    types: SUBSCRIBER_KEY_TYPES,
    primaryType: "SubscriberKey",
    message: { consentId },
    signature,
  });

export const recoverAnswerSigner = (domain: SigningDomain, message: AnswerMessage, signature: Hex) =>
  recoverTypedDataAddress({ domain, types: ANSWER_TYPES, primaryType: "InsightAnswer", message, signature });

export const recoverEntrustSigner = (domain: SigningDomain, message: EntrustMessage, signature: Hex) =>
  recoverTypedDataAddress({ domain, types: ENTRUST_TYPES, primaryType: "Entrustment", message, signature });

export const recoverFriendKeySigner = (domain: SigningDomain, key: Address, signature: Hex) =>
  recoverTypedDataAddress({ domain, types: FRIEND_KEY_TYPES, primaryType: "FriendKey", message: { key }, signature });

export const recoverShareSigner = (domain: SigningDomain, message: ShareMessage, signature: Hex) =>
  recoverTypedDataAddress({ domain, types: SHARE_TYPES, primaryType: "InsightShare", message, signature });

export const recoverReadingSigner = (domain: SigningDomain, message: ReadingMessage, signature: Hex) =>
  recoverTypedDataAddress({ domain, types: READING_TYPES, primaryType: "InsightReading", message, signature });

/** The subscriber's side (its wallet; the CLI and the tests): its public key and its signatures. */
export function subscriberWallet(privateKey: Hex) {
  const account = privateKeyToAccount(privateKey);
  return {
    address: account.address.toLowerCase() as Address,
    publicKey: account.publicKey,
    signKey: (domain: SigningDomain, consentId: Hex) =>
      account.signTypedData({
        domain,
        types: SUBSCRIBER_KEY_TYPES,
        primaryType: "SubscriberKey",
        message: { consentId },
      }),
    signAnswer: (domain: SigningDomain, message: AnswerMessage) =>
      account.signTypedData({ domain, types: ANSWER_TYPES, primaryType: "InsightAnswer", message }),
    signEntrust: (domain: SigningDomain, message: EntrustMessage) =>
      account.signTypedData({ domain, types: ENTRUST_TYPES, primaryType: "Entrustment", message }),
    signFriendKey: (domain: SigningDomain) =>
      account.signTypedData({
        domain,
        types: FRIEND_KEY_TYPES,
        primaryType: "FriendKey",
        message: { key: account.address },
      }),
    signShare: (domain: SigningDomain, message: ShareMessage) =>
      account.signTypedData({ domain, types: SHARE_TYPES, primaryType: "InsightShare", message }),
    signReading: (domain: SigningDomain, message: ReadingMessage) =>
      account.signTypedData({ domain, types: READING_TYPES, primaryType: "InsightReading", message }),
  };
}

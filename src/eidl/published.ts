// What the EIDL domain publishes to the domains after it (signed calls first): is an organisation vetted Authorized
// now, may it use a number at a time and through which grant, and which grant a TN Authorization credential records.
// Answers are synchronous, from the agent's one in-memory prefix index (built in the plugin's publish() and kept
// current by the indexer), so a caller deciding a call never waits for the database or the chain.

/** An organisation's standing now, as the trust hierarchy computes it. */
export interface EidlStanding {
  /** Authorized now: member active with its type's role, and a root or vetted Authorized by an authorized vetter. */
  authorized: boolean;
  /** DID of the vetter of the latest Complete vetting; null for a root or an organisation never vetted. */
  vetterDid: string | null;
}

/** One grant (allocation, assignment or delegation) as other domains see it; organisations by DID. */
export interface EidlGrantFact {
  grantId: string;
  parentGrantId: string | null;
  /** E.164 prefix covered (a whole number is a prefix of itself). */
  prefix: string;
  kind: "Allocation" | "Assignment" | "Delegation";
  issuerDid: string;
  holderDid: string;
  /** keccak256 of the grant's TN Authorization credential id (its key in the credential status registry). */
  credentialHash: string;
}

export interface EidlFacts {
  /** The organisation's standing now; undefined when the DID names no organisation on the ledger. */
  standingOf(did: string): EidlStanding | undefined;
  /** The valid grant through which `did` may use `tn` at `at` (Unix seconds), or undefined when it may not. */
  grantForUse(tn: string, did: string, at: number): EidlGrantFact | undefined;
  /** The grant whose TN Authorization credential has this hash, or undefined. */
  grantByCredential(credentialHash: string): EidlGrantFact | undefined;
  /** Whether a grant is in force at `at`: its chain is valid and it belongs to the deciding allocation of its prefix. */
  isGrantValid(grantId: string, at: number): boolean;
  /** Who holds `tn` at `at`: the deepest valid grant of its deciding allocation, or undefined when nobody does. */
  holderOf(tn: string, at: number): EidlGrantFact | undefined;
  /** The consortium member operating organisation `did`, or undefined when the DID names no organisation. */
  memberOf(did: string): string | undefined;
}

/** A port cleared elsewhere (e.g. by the registries' PortClearing contract), executed in the EIDL ledger. */
export interface ClearedPort {
  /** The number or block (E.164 prefix) ported. */
  prefix: string;
  /** The gaining provider's member account: the number goes to that member's (oldest) TNSP organisation. */
  toMember: string;
  /** The clearing's evidence on chain (e.g. the port id), recorded as the port's evidence hash; never zero. */
  evidenceHash: string;
}

/** A cleared port executed here (`txHash` null: the gaining organisation already held it), or undefined: not ours. */
export type ClearedPortOutcome = { grantId: string; txHash: string | null } | undefined;

export interface EidlPorts {
  /** DID of member `member`'s (oldest) TNSP organisation account, or undefined when it has none. */
  providerOrganisationOf(member: string): Promise<string | undefined>;
  /**
   * Executes a cleared port as `ITnAuthority.port` with BothProvidersConsented, by a Numbering Authority
   * organisation this agent hosts whose numbering-plan scope covers the prefix. Undefined when this agent hosts none
   * (another member's agent executes it). When the gaining organisation already holds an allocation exactly on the
   * prefix made by that authority (the port was executed before), answers it with `txHash` null and ports nothing.
   * Throws the EIDL domain's errors (or the contract's) when the port fails.
   */
  executeClearedPort(port: ClearedPort): Promise<ClearedPortOutcome>;
  /**
   * Executes many cleared ports as `executeClearedPort` does each, in order, with every port made by the same hosted
   * authority sent as ONE `ITnAuthority.portBatch` (up to 100 ports a transaction): the same checks, a new TN
   * Authorization credential per port and the ended allocation's revoked. Answers an outcome per port, by index.
   * A transaction is all or nothing: when the ledger refuses one of its ports this throws (the ledger's
   * BatchItemRefusedError names the port's index within that transaction), and the ports of earlier transactions
   * stay made (executing them again answers them as held). The caller then executes the rest one by one.
   */
  executeClearedPorts(ports: readonly ClearedPort[]): Promise<ClearedPortOutcome[]>;
}

declare module "../agent/domain.ts" {
  interface PublishedServices {
    eidl: EidlFacts;
    eidlPorts: EidlPorts;
  }
}

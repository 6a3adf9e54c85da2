// The EIDL side of a port cleared by another domain (the registries' PortClearing): the gaining member's TNSP
// organisation, and the port itself, made by a Numbering Authority this agent hosts through the same Grants.port as
// `POST /v1/eidl/ports` (same checks, credential and bookkeeping), or many at once through Grants.portBatch (one
// transaction per authority and up to MAX_PORTS_PER_BATCH ports). Published as `eidlPorts` (published.ts).
import type { Address } from "viem";
import type { HostedDid } from "../core/identity/did.ts";
import { OrgType } from "./enums.ts";
import type { ClearedPort, ClearedPortOutcome, EidlFacts, EidlPorts } from "./published.ts";
import type { EidlReadModel } from "./readModel.ts";
import type { PortInput, PortOutput } from "./service/grants.ts";
import type { EidlService } from "./service.ts";

/**
 * Most ports in one `portBatch` transaction: about 165k gas each, so 100 are some 16.5M gas, inside a 30M-gas
 * block with room for the rest of the block's traffic.
 */
export const MAX_PORTS_PER_BATCH = 100;

export interface ClearedPortsOptions {
  readModel: EidlReadModel;
  facts: EidlFacts;
  /** The DIDs this agent hosts. */
  hostedDids(): Promise<HostedDid[]>;
  /** The agent's EIDL service, built on first use (the plugin's publish() runs before its services exist). */
  service(): EidlService;
  /** Whether `prefix` lies inside the Numbering Authority's numbering-plan scope (read from the chain). */
  inScope(numberingAuthority: Address, prefix: string): Promise<boolean>;
  didOf(address: string): string;
}

export class ClearedPorts implements EidlPorts {
  readonly #o: ClearedPortsOptions;

  constructor(options: ClearedPortsOptions) {
    this.#o = options;
  }

  async providerOrganisationOf(member: string): Promise<string | undefined> {
    const org = await this.#o.readModel.oldestOrganisationOf(member, OrgType.Tnsp);
    return org ? this.#o.didOf(org.org) : undefined;
  }

  async executeClearedPort(port: ClearedPort): Promise<ClearedPortOutcome> {
    const plan = await this.#plan(port);
    if (plan === undefined || "held" in plan) return plan?.held;
    const ported = await this.#o.service().grants.port(plan.input);
    return { grantId: ported.allocation.grantId, txHash: ported.endTxHash };
  }

  async executeClearedPorts(ports: readonly ClearedPort[]): Promise<ClearedPortOutcome[]> {
    const outcomes: ClearedPortOutcome[] = ports.map(() => undefined);
    // The ports to make, by the hosted authority making them, with their index in `ports`.
    const byAuthority = new Map<string, { index: number; input: PortInput }[]>();
    for (const [index, port] of ports.entries()) {
      const plan = await this.#plan(port);
      if (plan === undefined) continue;
      if ("held" in plan) {
        outcomes[index] = plan.held;
        continue;
      }
      const group = byAuthority.get(plan.input.issuerId) ?? [];
      group.push({ index, input: plan.input });
      byAuthority.set(plan.input.issuerId, group);
    }
    for (const group of byAuthority.values()) {
      for (let from = 0; from < group.length; from += MAX_PORTS_PER_BATCH) {
        const chunk = group.slice(from, from + MAX_PORTS_PER_BATCH);
        const ported = await this.#o.service().grants.portBatch(chunk.map(({ input }) => input));
        for (const [i, { index }] of chunk.entries()) {
          const made = ported[i] as PortOutput;
          outcomes[index] = { grantId: made.allocation.grantId, txHash: made.endTxHash };
        }
      }
    }
    return outcomes;
  }

  /**
   * What executing `port` takes here: nothing (undefined: no hosted authority's scope covers it), nothing new (the
   * gaining organisation already holds that authority's allocation exactly on the prefix), or a port to make.
   */
  async #plan(
    port: ClearedPort,
  ): Promise<{ held: { grantId: string; txHash: null } } | { input: PortInput } | undefined> {
    const authority = await this.#hostedAuthorityFor(port.prefix);
    if (authority === undefined) return undefined;
    const gaining = await this.providerOrganisationOf(port.toMember);
    if (gaining === undefined)
      throw new Error(`member ${port.toMember} has no TNSP organisation to port ${port.prefix} to`);
    const held = this.#o.facts.grantForUse(port.prefix, gaining, Math.floor(Date.now() / 1000));
    if (
      held?.kind === "Allocation" &&
      held.prefix === port.prefix &&
      held.issuerDid.toLowerCase() === authority.toLowerCase()
    ) {
      return { held: { grantId: held.grantId, txHash: null } };
    }
    return {
      input: {
        tnId: port.prefix,
        issuerId: authority,
        subjectId: gaining,
        portAuthority: "BothProvidersConsented",
        evidenceHash: port.evidenceHash,
      },
    };
  }

  /** A hosted Numbering Authority whose scope covers `prefix` (the chain answers the scope), or undefined. */
  async #hostedAuthorityFor(prefix: string): Promise<string | undefined> {
    for (const hosted of await this.#o.hostedDids()) {
      const org = await this.#o.readModel.organisation(hosted.address);
      if (Number(org?.org_type) !== OrgType.NumberingAuthority) continue;
      if (await this.#o.inScope(hosted.address, prefix)) return hosted.did;
    }
    return undefined;
  }
}

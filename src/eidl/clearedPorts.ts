// The EIDL side of a port cleared by another domain (the registries' PortClearing): the gaining member's TNSP
// organisation, and the port itself, made by a Numbering Authority this agent hosts through the same Grants.port as
// `POST /v1/eidl/ports` (same checks, credential and bookkeeping). Published as `eidlPorts` (published.ts).
import type { Address } from "viem";
import type { HostedDid } from "../core/identity/did.ts";
import { OrgType } from "./enums.ts";
import type { ClearedPort, EidlFacts, EidlPorts } from "./published.ts";
import type { EidlReadModel } from "./readModel.ts";
import type { EidlService } from "./service.ts";

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

  async executeClearedPort(port: ClearedPort): Promise<{ grantId: string; txHash: string | null } | undefined> {
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
      return { grantId: held.grantId, txHash: null };
    }
    const ported = await this.#o.service().grants.port({
      tnId: port.prefix,
      issuerId: authority,
      subjectId: gaining,
      portAuthority: "BothProvidersConsented",
      evidenceHash: port.evidenceHash,
    });
    return { grantId: ported.allocation.grantId, txHash: ported.endTxHash };
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

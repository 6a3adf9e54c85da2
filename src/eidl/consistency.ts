// The EIDL read model against the contracts' own views, at the block the read model is indexed to: every organisation
// (OrganisationRegistry.organisation), its whole vetting history (vettingHistory), every grant (TnAuthority.grant:
// holder, grantor, prefix, kind, parent, window, re-delegation, credential hash, revocation), each prefix's list of
// grants in chain order (grantsAt: finds a grant the read model lacks, or holds out of order), and the counts
// (organisationCount, grantCount: the only way to see a missing organisation or a missing grant on a prefix the read
// model never saw, since neither contract enumerates its records). An organisation's controller account is not
// compared: no view returns it (it is the DID owner at creation, from OrganisationCreated).
import { type Address, BaseError, ContractFunctionRevertedError } from "viem";
import type { ConsistencyDifference } from "../agent/domain.ts";
import type { ChainClient } from "../core/chain/client.ts";
import { OrganisationRegistry, TnAuthority } from "../generated/contracts.ts";
import type { EidlReadModel, GrantRow, VettingRow } from "./readModel.ts";

export interface EidlContracts {
  organisations: Address;
  tnAuthority: Address;
}

interface ChainOrganisation {
  orgType: number;
  member: Address;
  name: string;
}

interface ChainVetting {
  status: number;
  result: number;
  vetter: Address;
  effectiveAt: bigint;
  version: number;
  credentialHash: string;
}

interface ChainGrant {
  kind: number;
  parentId: bigint;
  grantor: Address;
  holder: Address;
  prefix: string;
  validFrom: bigint;
  validUntil: bigint;
  allowRedelegation: boolean;
  revokedAt: bigint;
  revokeReason: number;
}

const lower = (value: string) => value.toLowerCase();

/** True when the call reached the contract and it reverted (an unknown record), not when the node failed. */
function reverted(error: unknown): boolean {
  return error instanceof BaseError && error.walk((e) => e instanceof ContractFunctionRevertedError) !== null;
}

const vettingOf = (v: { status: number; result: number; vetter: string; at: number; credentialHash: string }) => ({
  status: Number(v.status),
  result: Number(v.result),
  vetter: lower(v.vetter),
  vettedAt: new Date(v.at * 1000).toISOString(),
  credentialHash: lower(v.credentialHash),
});

// A grant's credential hash is only in its GrantRecorded event (TnAuthority keeps two slots per grant), which the
// projection copies: there is no view to compare it with.
const grantOfRow = (g: GrantRow) => ({
  kind: Number(g.kind),
  parentId: g.parent_id === null ? null : String(g.parent_id),
  grantor: g.issuer,
  holder: g.holder,
  prefix: g.prefix,
  validFrom: Number(g.valid_from),
  validUntil: Number(g.valid_until),
  allowRedelegation: Number(g.allow_redelegation) === 1,
  revokedAt: Number(g.revoked_at),
  revokeReason: g.revoke_reason === null ? 0 : Number(g.revoke_reason),
});

const grantOfChain = (g: ChainGrant) => ({
  kind: Number(g.kind),
  parentId: g.parentId === 0n ? null : g.parentId.toString(),
  grantor: lower(g.grantor),
  holder: lower(g.holder),
  prefix: g.prefix,
  validFrom: Number(g.validFrom),
  validUntil: Number(g.validUntil),
  allowRedelegation: g.allowRedelegation,
  revokedAt: Number(g.revokedAt),
  revokeReason: Number(g.revokeReason),
});

export async function eidlDifferences(
  readModel: EidlReadModel,
  chain: ChainClient,
  contracts: EidlContracts,
  blockNumber: bigint,
): Promise<ConsistencyDifference[]> {
  const read = <T>(address: Address, abi: unknown, functionName: string, args: readonly unknown[] = []) =>
    chain.readContract({ address, abi, functionName, args, blockNumber } as never) as Promise<T>;
  /** The view's answer, or undefined when the contract reverts (it has no such record). */
  const readOrMissing = async <T>(address: Address, abi: unknown, functionName: string, args: readonly unknown[]) => {
    try {
      return await read<T>(address, abi, functionName, args);
    } catch (error) {
      if (reverted(error)) return undefined;
      throw error;
    }
  };
  const differences: ConsistencyDifference[] = [];
  const compare = (table: string, key: string, local: unknown, onChain: unknown) => {
    if (JSON.stringify(local) !== JSON.stringify(onChain))
      differences.push({ table, key, readModel: local, chain: onChain });
  };
  const registry = (functionName: string, args: readonly unknown[] = []) =>
    readOrMissing(contracts.organisations, OrganisationRegistry.abi, functionName, args);
  const authority = (functionName: string, args: readonly unknown[] = []) =>
    readOrMissing(contracts.tnAuthority, TnAuthority.abi, functionName, args);

  const { orgs, vettings, grants } = await readModel.everything();

  // Organisations and their vetting history.
  const organisationCount = Number(await registry("organisationCount"));
  compare("eidl_orgs", "count", orgs.length, organisationCount);
  const vettingsOf = new Map<string, VettingRow[]>();
  for (const v of vettings) vettingsOf.set(v.org, [...(vettingsOf.get(v.org) ?? []), v]);
  for (const org of orgs) {
    const onChain = (await registry("organisation", [org.org])) as ChainOrganisation | undefined;
    compare(
      "eidl_orgs",
      org.org,
      { name: org.name, orgType: Number(org.org_type), member: org.member },
      onChain && { name: onChain.name, orgType: Number(onChain.orgType), member: lower(onChain.member) },
    );
    const history = ((await registry("vettingHistory", [org.org])) as ChainVetting[] | undefined) ?? [];
    const local = vettingsOf.get(org.org) ?? [];
    const versions = new Set([...local.map((v) => Number(v.version)), ...history.map((v) => Number(v.version))]);
    for (const version of [...versions].sort((a, b) => a - b)) {
      const mine = local.filter((v) => Number(v.version) === version);
      const theirs = history.filter((v) => Number(v.version) === version);
      compare(
        "eidl_vettings",
        `${org.org}#${version}`,
        mine.length === 0
          ? undefined
          : mine.map((v) => vettingOf({ ...v, at: Date.parse(v.vetted_at) / 1000, credentialHash: v.credential_hash })),
        theirs.length === 0
          ? undefined
          : theirs.map((v) => vettingOf({ ...v, at: Number(v.effectiveAt), credentialHash: v.credentialHash })),
      );
    }
  }

  // Grants, one by one, then each prefix's list in chain order.
  const grantCount = Number(await authority("grantCount"));
  compare("eidl_grants", "count", grants.length, grantCount);
  if (grants.length !== grantCount) {
    // The contract does not enumerate its grants, but its GrantRecorded log does: name each grant one side lacks.
    const recorded = await chain.getContractEvents({
      address: contracts.tnAuthority,
      abi: TnAuthority.abi,
      eventName: "GrantRecorded",
      fromBlock: 0n,
      toBlock: blockNumber,
    });
    const local = new Set(grants.map((g) => String(g.id)));
    const onChain = new Map(recorded.map((e) => [String(e.args.grantId), e]));
    for (const [id, e] of onChain) {
      if (!local.has(id)) {
        compare("eidl_grants", id, undefined, {
          prefix: e.args.prefix,
          holder: lower(String(e.args.holder)),
          block: Number(e.blockNumber),
          transactionHash: e.transactionHash,
        });
      }
    }
    for (const id of local) if (!onChain.has(id)) compare("eidl_grants", id, "in the read model", undefined);
  }
  for (const g of grants) {
    const onChain = (await authority("grant", [BigInt(g.id)])) as ChainGrant | undefined;
    compare("eidl_grants", String(g.id), grantOfRow(g), onChain && grantOfChain(onChain));
  }
  const byPrefix = new Map<string, string[]>();
  for (const g of grants) byPrefix.set(g.prefix, [...(byPrefix.get(g.prefix) ?? []), String(g.id)]);
  for (const [prefix, ids] of byPrefix) {
    const onChain = ((await authority("grantsAt", [prefix])) as readonly bigint[] | undefined) ?? [];
    compare("eidl_grants (grantsAt)", prefix, ids, onChain.map(String));
  }
  return differences;
}

// The PKI read model against the CertificateLedger's own views at the block the read model is indexed to: every
// application the read model holds (applicant, kind, state, attestation and endorsement counts, certificate hash,
// issuer, revocation), the current issuing CA, and the log's latest checkpoint. A row the chain does not know is named too.
import type { Address, Hex } from "viem";
import type { ConsistencyDifference } from "../agent/domain.ts";
import type { ChainClient } from "../core/chain/client.ts";
import { CertificateLedger, CertificateLog } from "../generated/contracts.ts";
import { KINDS } from "./projection.ts";
import type { PkiLogReadModel, PkiReadModel } from "./readModel.ts";

const STATES = [null, "filed", "issued", "revoked"] as const;
const ZERO = `0x${"0".repeat(64)}`;

interface OnChainApplication {
  applicant: Address;
  kind: number;
  state: number;
  domainAttestations: number;
  endorsements: number;
  issuer: Address;
  certificateHash: Hex;
  revocationReason: number;
}

export async function pkiDifferences(
  readModel: PkiReadModel,
  chain: ChainClient,
  ledger: Address,
  blockNumber: bigint,
  log?: { address: Address; readModel: PkiLogReadModel },
): Promise<ConsistencyDifference[]> {
  const read = <T>(functionName: string, args: readonly unknown[] = []) =>
    chain.readContract({
      address: ledger,
      abi: CertificateLedger.abi,
      functionName,
      args,
      blockNumber,
    } as never) as Promise<T>;
  const differences: ConsistencyDifference[] = [];
  for (const app of await readModel.allForConsistency()) {
    const local = {
      applicant: app.applicant,
      kind: app.kind,
      state: app.state,
      domainAttestations: app.domainAttestations,
      endorsements: app.endorsements,
      certificateHash: app.certificate?.sha256 ?? null,
      issuer: app.certificate?.issuer ?? null,
      revocationReason: app.revocation?.reason ?? null,
    };
    const c = await read<OnChainApplication>("application", [app.id]);
    const state = STATES[c.state] ?? null;
    const onChain =
      state === null
        ? undefined
        : {
            applicant: c.applicant.toLowerCase(),
            kind: KINDS[c.kind],
            state,
            domainAttestations: Number(c.domainAttestations),
            endorsements: Number(c.endorsements),
            certificateHash: c.certificateHash === ZERO ? null : c.certificateHash.toLowerCase(),
            issuer: state === "filed" ? null : c.issuer.toLowerCase(),
            revocationReason: state === "revoked" ? Number(c.revocationReason) : null,
          };
    if (JSON.stringify(local) !== JSON.stringify(onChain)) {
      differences.push({ table: "pki_applications", key: app.id, readModel: local, chain: onChain });
    }
  }
  const [caHash] = await read<readonly [Hex, Address]>("issuingCa");
  const current = await readModel.currentCa();
  const chainCa = caHash === ZERO ? null : caHash.toLowerCase();
  if ((current?.caHash ?? null) !== chainCa) {
    differences.push({ table: "pki_cas", key: "current", readModel: current?.caHash ?? null, chain: chainCa });
  }
  if (log) {
    const readLog = <T>(functionName: string, args: readonly unknown[] = []) =>
      chain.readContract({
        address: log.address,
        abi: CertificateLog.abi,
        functionName,
        args,
        blockNumber,
      } as never) as Promise<T>;
    const latest = await log.readModel.latest();
    const size = Number(await readLog<bigint>("latestTreeSize"));
    const chainCheckpoint =
      size === 0
        ? null
        : await readLog<{ rootHash: Hex; cosignatures: number }>("checkpoint", [BigInt(size)]).then((c) => ({
            treeSize: size,
            rootHash: c.rootHash.toLowerCase(),
            cosignatures: Number(c.cosignatures),
          }));
    const local = latest
      ? { treeSize: latest.treeSize, rootHash: latest.rootHash, cosignatures: latest.cosignatures }
      : null;
    if (JSON.stringify(local) !== JSON.stringify(chainCheckpoint)) {
      differences.push({ table: "pki_log_checkpoints", key: "latest", readModel: local, chain: chainCheckpoint });
    }
  }
  return differences;
}

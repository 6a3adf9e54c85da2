// The application id, computed before sending exactly as CertificateLedger._idOf does, so the API can acknowledge
// the id the chain will hold: keccak256(abi.encode(chainId, ledger, applicant, kind, identified, keccak(dnsName),
// keccak(organization), keccak(publicKey), salt)).
import { type Address, encodeAbiParameters, type Hex, keccak256, toBytes } from "viem";

export function applicationIdOf(input: {
  chainId: number;
  ledger: Address;
  applicant: Address;
  kind: number;
  identified: boolean;
  dnsName: string;
  organization: string;
  publicKey: Hex;
  salt: Hex;
}): Hex {
  return keccak256(
    encodeAbiParameters(
      [
        { type: "uint256" },
        { type: "address" },
        { type: "address" },
        { type: "uint8" },
        { type: "bool" },
        { type: "bytes32" },
        { type: "bytes32" },
        { type: "bytes32" },
        { type: "bytes32" },
      ],
      [
        BigInt(input.chainId),
        input.ledger,
        input.applicant,
        input.kind,
        input.identified,
        keccak256(toBytes(input.dnsName)),
        keccak256(toBytes(input.organization)),
        keccak256(input.publicKey),
        input.salt,
      ],
    ),
  );
}

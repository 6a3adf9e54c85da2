// Projects CertificateLedger and CertificateLog events into the PKI read model. Every statement is idempotent (an event applied twice
// leaves one effect); rewinds are the indexer's (the tables are listed).
import { bytesToHex, type Hex, hexToBytes } from "viem";
import type { ChainEvent, Projection } from "../core/chain/indexer/indexer.ts";
import type { Queryable } from "../core/store/store.ts";
import { leafHash } from "./log/merkle.ts";
import { serialOf } from "./serial.ts";

export const CERTIFICATE_LEDGER = "CertificateLedger";
export const CERTIFICATE_LOG = "CertificateLog";
export const TIMESTAMP_LEDGER = "TimestampLedger";
export const FACT_TRIGGERS = "FactTriggers";
export const DATA_OFFERS = "DataOffers";
/** The settlement domain's manifest name of its token (src/settlement/plugin.ts), repeated to keep domains apart. */
export const SETTLEMENT_TOKEN = "SettlementToken";
export const KINDS = ["DV", "OV", "EV"] as const;
export type CertificateKind = (typeof KINDS)[number];

const lower = (value: unknown) => String(value).toLowerCase();

async function onEvent(event: ChainEvent, tx: Queryable): Promise<void> {
  const a = event.args;
  switch (event.eventName) {
    case "IssuingCaSet":
      await tx.exec(
        `INSERT INTO pki_cas (ca_hash, issuer, certificate, block_number, log_index) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (ca_hash) DO UPDATE SET issuer = $2, block_number = $4, log_index = $5`,
        [lower(a.caHash), lower(a.issuer), lower(a.caCertificate), event.blockNumber, event.logIndex],
      );
      return;
    case "ApplicationFiled":
      await tx.exec(
        `INSERT INTO pki_applications (id, applicant, kind, identified, dns_name, organization, public_key, state,
           domain_attestations, endorsements, filed_block, filed_tx)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'filed', 0, 0, $8, $9) ON CONFLICT (id) DO NOTHING`,
        [
          lower(a.id),
          lower(a.applicant),
          KINDS[Number(a.kind)] ?? `kind-${a.kind}`,
          a.identified ? 1 : 0,
          String(a.dnsName),
          String(a.organization),
          lower(a.publicKey),
          event.blockNumber,
          event.txHash,
        ],
      );
      return;
    case "DomainControlAttested":
    case "ApplicationEndorsed": {
      const attested = event.eventName === "DomainControlAttested";
      const member = lower(attested ? a.validator : a.endorser);
      await tx.exec(
        `INSERT INTO pki_vouches (application_id, member, kind, block_number) VALUES ($1, $2, $3, $4)
         ON CONFLICT (application_id, member) DO NOTHING`,
        [lower(a.id), member, attested ? "domain-control" : "endorsement", event.blockNumber],
      );
      const column = attested ? "domain_attestations" : "endorsements";
      await tx.exec(`UPDATE pki_applications SET ${column} = $2 WHERE id = $1`, [
        lower(a.id),
        Number(attested ? a.attestations : a.endorsements),
      ]);
      return;
    }
    case "CertificateIssued":
      await tx.exec(
        `UPDATE pki_applications SET state = 'issued', issuer = $2, serial = $3, certificate_hash = $4, ca_hash = $5,
           certificate = $6, issued_block = $7, issued_at = $8 WHERE id = $1 AND state = 'filed'`,
        [
          lower(a.id),
          lower(a.issuer),
          serialOf(lower(a.id) as Hex),
          lower(a.certificateHash),
          lower(a.caHash),
          lower(a.certificate),
          event.blockNumber,
          event.blockTimestamp,
        ],
      );
      // The transparency log's next leaf: certificates in the order the ledger recorded them, so every member's agent
      // builds the same log from the chain alone.
      await tx.exec(
        `INSERT INTO pki_log_leaves (leaf_index, application_id, leaf_hash)
         SELECT (SELECT COUNT(*) FROM pki_log_leaves), CAST($1 AS TEXT), CAST($2 AS TEXT)
         WHERE NOT EXISTS (SELECT 1 FROM pki_log_leaves WHERE application_id = CAST($1 AS TEXT))`,
        [lower(a.id), bytesToHex(leafHash(hexToBytes(a.certificate as Hex)))],
      );
      return;
    case "CheckpointAnchored":
      await tx.exec(
        `INSERT INTO pki_log_checkpoints (tree_size, root_hash, operator, cosignatures, block_number)
         VALUES ($1, $2, $3, 0, $4) ON CONFLICT (tree_size) DO NOTHING`,
        [Number(a.treeSize), lower(a.rootHash), lower(a.operator), event.blockNumber],
      );
      return;
    case "CheckpointCosigned":
      await tx.exec(
        `INSERT INTO pki_log_cosigns (tree_size, witness, block_number) VALUES ($1, $2, $3)
         ON CONFLICT (tree_size, witness) DO NOTHING`,
        [Number(a.treeSize), lower(a.witness), event.blockNumber],
      );
      await tx.exec(`UPDATE pki_log_checkpoints SET cosignatures = $2 WHERE tree_size = $1`, [
        Number(a.treeSize),
        Number(a.cosignatures),
      ]);
      return;
    case "CertificateRevoked":
      await tx.exec(
        `UPDATE pki_applications SET state = 'revoked', revoked_by = $2, revoked_at = $3, revocation_reason = $4
         WHERE id = $1`,
        [lower(a.id), lower(a.by), event.blockTimestamp, Number(a.reason)],
      );
      return;
  }
}

export const pkiProjection: Projection = {
  name: "pki",
  tables: ["pki_cas", "pki_applications", "pki_vouches", "pki_log_leaves", "pki_log_checkpoints", "pki_log_cosigns"],
  handle: onEvent,
};

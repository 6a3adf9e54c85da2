// ValidatorSet events -> the network domain's tables. Runs inside the indexer's transaction (exactly once per event;
// a rewind undoes it through the undo triggers on the listed tables).
import type { Projection } from "../../core/chain/indexer/indexer.ts";

export const VALIDATOR_SET = "ValidatorSet";

const lower = (value: unknown) => String(value).toLowerCase();
const KINDS = ["add", "remove"] as const;

export const validatorProjection: Projection = {
  name: "network-validators",
  tables: ["network_validator_changes", "network_validators", "network_validator_decisions"],
  async handle(event, tx) {
    if (event.source !== VALIDATOR_SET) return;
    const a = event.args;
    const id = lower(a.id);
    switch (event.eventName) {
      case "ValidatorChangeProposed":
        await tx.exec(
          `INSERT INTO network_validator_changes
             (id, kind, signer, operator, proposer, deadline, status, approvals, proposed_block)
           VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7) ON CONFLICT (id) DO NOTHING`,
          [
            id,
            KINDS[Number(a.kind)] ?? "add",
            lower(a.signer),
            lower(a.operator),
            lower(a.proposer),
            Number(a.deadline),
            event.blockNumber,
          ],
        );
        return;
      case "ValidatorChangeApproved":
        await tx.exec(`UPDATE network_validator_changes SET approvals = $2 WHERE id = $1`, [id, Number(a.approvals)]);
        return;
      case "ValidatorChangeCanceled":
        await tx.exec(`UPDATE network_validator_changes SET status = 'canceled', decided_block = $2 WHERE id = $1`, [
          id,
          event.blockNumber,
        ]);
        return;
      case "ValidatorAdded":
      case "ValidatorRemoved": {
        const added = event.eventName === "ValidatorAdded";
        const signer = lower(a.signer);
        await tx.exec(`UPDATE network_validator_changes SET status = 'executed', decided_block = $2 WHERE id = $1`, [
          id,
          event.blockNumber,
        ]);
        if (added)
          await tx.exec(
            `INSERT INTO network_validators (signer, operator, change_id, added_block) VALUES ($1, $2, $3, $4)
             ON CONFLICT (signer) DO UPDATE SET operator = $2, change_id = $3, added_block = $4`,
            [signer, lower(a.operator), id, event.blockNumber],
          );
        else await tx.exec(`DELETE FROM network_validators WHERE signer = $1`, [signer]);
        await tx.exec(
          `INSERT INTO network_validator_decisions (signer, validator, change_id, block_number) VALUES ($1, $2, $3, $4)
           ON CONFLICT (signer) DO UPDATE SET validator = $2, change_id = $3, block_number = $4`,
          [signer, added ? 1 : 0, id, event.blockNumber],
        );
        return;
      }
    }
  },
};

// Social recovery through the agents on a real devnet: the person (a wallet key, no agent of its own) signs its
// enrolment, custody hand-over and cancellation, which a member agent relays; three member agents are its guardians
// (2 of 3), one of them its operator. A minority cannot execute, the person cancels, the operator is refused during
// the SIM-swap cool-down, and m approvals after the delay make the new key the DID's ERC-1056 owner.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import type { Address, Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import {
  cancelTypedData,
  changeOwnerDigest,
  enrolTypedData,
  MIN_RECOVERY_DELAY_SECONDS,
} from "../../src/identity/recovery/service.ts";
import { latestBlockTimestamp, mineBlockAt } from "../../testkit/chainTime.ts";
import { startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/consortium.ts";
import { tempDir } from "../../testkit/tempDir.ts";
import { skipOnNetwork } from "../../testkit/testNetwork.ts";

const cliBin = new URL("../../bin/telco-ledger.mjs", import.meta.url).pathname;

type Guardianship = {
  controller: Address;
  guardians: Address[];
  threshold: number;
  inCustody: boolean;
  coolDownEndsAt: string | null;
  signer: Address;
  signerNonce: string;
  registry: Address;
  registryNonce: string;
  contract: Address;
};
type Failure = { code: string; message: string; facts?: Record<string, unknown> };
type Recovery = { approvals: number; threshold: number; readyAt: string | null; open: boolean; newController: Address };

describe("social recovery through the agents", () => {
  let consortium: TestConsortium;
  let alice: TestAgent;
  let bob: TestAgent;
  let operator: TestAgent;
  const person = privateKeyToAccount(generatePrivateKey());
  const newKey = privateKeyToAccount(generatePrivateKey());
  const identity = person.address;
  const base = `/v1/identity/recovery/${identity}`;
  let contract: Address;
  let chainId: number;
  let rpcUrl: string;

  const account = (a: TestAgent) => a.agent.config.memberAccount;
  const guardianship = async () => {
    const r = await alice.call<Guardianship>("GET", base);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  };
  const cancelSignature = async (nonce: bigint) =>
    await person.signTypedData(cancelTypedData(contract, chainId, { identity, nonce }));

  before(async () => {
    consortium = await startTestConsortium([
      { name: "alice", roles: ["TNSP"] },
      { name: "bob", roles: ["TNSP"] },
      { name: "operator", roles: ["TNSP"] },
    ]);
    alice = consortium.agents.alice!;
    bob = consortium.agents.bob!;
    operator = consortium.agents.operator!;
    chainId = alice.agent.config.chain.chainId;
    rpcUrl = consortium.devnet.rpcUrl;
    contract = (await guardianship()).contract;
  });
  after(() => consortium?.stop());

  it("enrols 2 of 3 guardians from the person's signatures, relayed by an agent; bad input is refused", async () => {
    const guardians = [account(alice), account(bob), account(operator)];
    const before = await guardianship();
    assert.equal(before.signer, identity, "the owner signs the first enrolment");
    const enrol = {
      identity,
      guardians,
      threshold: 2,
      delaySeconds: MIN_RECOVERY_DELAY_SECONDS,
      operator: account(operator),
      nonce: BigInt(before.signerNonce),
    };
    const signature = await person.signTypedData(enrolTypedData(contract, chainId, enrol));
    const body = {
      guardians,
      threshold: 2,
      delaySeconds: enrol.delaySeconds,
      operator: enrol.operator,
      signer: identity,
    };

    const bad = await alice.call<Failure>("POST", `${base}/enrolment`, { ...body, signature: "0x12" });
    assert.equal(bad.status, 400);
    const oneOfThree = await alice.call<Failure>("POST", `${base}/enrolment`, { ...body, threshold: 1, signature });
    assert.equal(oneOfThree.status, 403, "a signature over 2-of-3 does not cover 1-of-3");
    assert.equal(oneOfThree.body.code, "RECOVERY_REFUSED");

    const relayed = await alice.call("POST", `${base}/enrolment`, { ...body, signature });
    assert.equal(relayed.status, 201, JSON.stringify(relayed.body));
    const { registry, registryNonce } = await guardianship();
    const custody = await person.sign({ hash: changeOwnerDigest(registry, BigInt(registryNonce), identity, contract) });
    const handed = await bob.call("POST", `${base}/custody`, { signature: custody });
    assert.equal(handed.status, 201, JSON.stringify(handed.body));
    const g = await guardianship();
    assert.equal(g.controller, identity);
    assert.equal(g.threshold, 2);
    assert.deepEqual(g.guardians, guardians);
    assert.equal(g.inCustody, true);
  });

  it("refuses the operator during the SIM-swap cool-down; a minority cannot execute; the person cancels", async () => {
    const swap = await bob.call<Failure>("POST", `${base}/sim-swaps`);
    assert.equal(swap.status, 403, "only the operator guardian records a swap");
    assert.equal(swap.body.code, "RECOVERY_REFUSED");
    const recorded = await operator.call("POST", `${base}/sim-swaps`);
    assert.equal(recorded.status, 201, JSON.stringify(recorded.body));
    const coolDownEndsAt = (await guardianship()).coolDownEndsAt;
    assert.ok(coolDownEndsAt);

    const hijack = await operator.call<Failure>("POST", `${base}/recoveries`, { newController: newKey.address });
    assert.equal(hijack.status, 409, JSON.stringify(hijack.body));
    assert.equal(hijack.body.code, "RECOVERY_OPERATOR_COOLING_DOWN");
    assert.equal(hijack.body.facts?.coolDownEndsAt, coolDownEndsAt);

    const proposed = await alice.call<{ recoveryId: Hex }>("POST", `${base}/recoveries`, {
      newController: newKey.address,
    });
    assert.equal(proposed.status, 201, JSON.stringify(proposed.body));
    const id = proposed.body.recoveryId;
    const approval = await operator.call<Failure>("POST", `${base}/recoveries/${id}/approvals`);
    assert.equal(approval.status, 409);
    assert.equal(approval.body.code, "RECOVERY_OPERATOR_COOLING_DOWN");
    const minority = await alice.call<Failure>("POST", `${base}/recoveries/${id}/execution`);
    assert.equal(minority.status, 409);
    assert.equal(minority.body.code, "RECOVERY_THRESHOLD_NOT_MET");
    assert.deepEqual([minority.body.facts?.approvals, minority.body.facts?.threshold], [1, 2]);

    const forged = await alice.call<Failure>("POST", `${base}/cancellation`, {
      signer: identity,
      signature: await newKey.signTypedData(cancelTypedData(contract, chainId, { identity, nonce: 1n })),
    });
    assert.equal(forged.status, 403, "only the controller cancels");
    const cancelled = await bob.call("POST", `${base}/cancellation`, {
      signer: identity,
      signature: await cancelSignature(BigInt((await guardianship()).signerNonce)),
    });
    assert.equal(cancelled.status, 201, JSON.stringify(cancelled.body));
    const status = await alice.call<Recovery>("GET", `${base}/recoveries/${id}`);
    assert.equal(status.body.open, false);
    const late = await bob.call<Failure>("POST", `${base}/recoveries/${id}/approvals`);
    assert.equal(late.status, 404);
    assert.equal(late.body.code, "RECOVERY_UNKNOWN");
  });

  it(
    "recovers with 2 of 3 after the delay: the new key becomes the DID's owner",
    skipOnNetwork("moves the chain's clock (evm_setNextBlockTimestamp)"),
    async () => {
      const proposed = await alice.call<{ recoveryId: Hex }>("POST", `${base}/recoveries`, {
        newController: newKey.address,
      });
      assert.equal(proposed.status, 201, JSON.stringify(proposed.body));
      const id = proposed.body.recoveryId;
      const approved = await bob.call("POST", `${base}/recoveries/${id}/approvals`);
      assert.equal(approved.status, 201, JSON.stringify(approved.body));
      const again = await bob.call<Failure>("POST", `${base}/recoveries/${id}/approvals`);
      assert.equal(again.body.code, "RECOVERY_CONFLICT");
      const ready = await alice.call<Recovery>("GET", `${base}/recoveries/${id}`);
      assert.equal(ready.body.approvals, 2);
      assert.ok(ready.body.readyAt);
      const early = await operator.call<Failure>("POST", `${base}/recoveries/${id}/execution`);
      assert.equal(early.status, 409);
      assert.equal(early.body.code, "RECOVERY_DELAY_RUNNING");
      assert.equal(early.body.facts?.readyAt, ready.body.readyAt);

      const readyAt = Date.parse(ready.body.readyAt) / 1000;
      await mineBlockAt(rpcUrl, Math.max(readyAt, (await latestBlockTimestamp(rpcUrl)) + 1));
      const executed = await operator.call("POST", `${base}/recoveries/${id}/execution`);
      assert.equal(executed.status, 201, JSON.stringify(executed.body));
      const g = await guardianship();
      assert.equal(g.controller, newKey.address);
      assert.equal(g.inCustody, false, "custody ends: the new key is the ERC-1056 owner");
      const resolved = await alice.call<{
        didDocument: { verificationMethod: Array<{ blockchainAccountId?: string }> };
      }>("GET", `/v1/identity/dids/${encodeURIComponent(`did:ethr:0x${chainId.toString(16)}:${identity}`)}`);
      assert.equal(resolved.status, 200, JSON.stringify(resolved.body));
      assert.ok(
        JSON.stringify(resolved.body).toLowerCase().includes(newKey.address.toLowerCase()),
        "the DID document names the new controller",
      );
    },
  );

  it("enrols, shows and cancels through the CLI, signing with the person's wallet keystore; backs the wallet up", async () => {
    const dir = await tempDir("telco-recovery-cli-");
    try {
      const { openKeystore } = await import("../../src/core/identity/keystore.ts");
      const walletDir = join(dir.path, "wallet");
      const wallet = await openKeystore({ dir: walletDir, passphrase: "wallet pass", scrypt: { N: 2 ** 10 } });
      const key = await wallet.create({ kind: "secp256k1", label: "phone" });
      const who = key.address as Address;
      const env = {
        ...process.env,
        TELCO_WALLET_PASSPHRASE: "wallet pass",
        TELCO_BACKUP_PASSPHRASE: "backup pass phrase",
      };
      const cli = async (...args: string[]) =>
        (
          await promisify(execFile)(process.execPath, [cliBin, ...args], {
            encoding: "utf8",
            timeout: 180_000,
            env,
          })
        ).stdout;
      const agent = ["--url", bob.url, "--api-key", bob.adminKey, "--json"];
      const guardians = [account(alice), account(bob), account(operator)].join(",");
      await cli(
        "did",
        "recovery",
        "enrol",
        who,
        "--keystore",
        walletDir,
        "--guardians",
        guardians,
        "--threshold",
        "2",
        "--delay",
        "7200",
        "--operator",
        account(operator),
        ...agent,
      );
      const shown = JSON.parse(await cli("did", "recovery", "show", who, ...agent)) as Guardianship;
      assert.equal(shown.controller, who);
      assert.equal(shown.inCustody, true, "enrol also hands the identity over");
      assert.equal(shown.threshold, 2);

      const proposed = await alice.call<{ recoveryId: Hex }>("POST", `/v1/identity/recovery/${who}/recoveries`, {
        newController: newKey.address,
      });
      assert.equal(proposed.status, 201, JSON.stringify(proposed.body));
      await cli("did", "recovery", "cancel", who, "--keystore", walletDir, ...agent);
      const status = JSON.parse(
        await cli("did", "recovery", "status", who, proposed.body.recoveryId, ...agent),
      ) as Recovery;
      assert.equal(status.open, false, "the person's cancellation ended it");

      const backupFile = join(dir.path, "wallet.backup.json");
      await cli("did", "backup", "export", "--keystore", walletDir, "--out", backupFile);
      const restored = join(dir.path, "restored");
      const out = await cli("did", "backup", "import", backupFile, "--keystore", restored);
      assert.match(out, new RegExp(who.slice(2), "i"));
      const reopened = await openKeystore({ dir: restored, passphrase: "wallet pass" });
      assert.deepEqual(reopened.list(), wallet.list());
      await writeFile(join(dir.path, "junk.json"), "{}");
      await assert.rejects(
        cli("did", "backup", "import", join(dir.path, "junk.json"), "--keystore", join(dir.path, "x")),
      );
    } finally {
      await dir.remove();
    }
  });
});

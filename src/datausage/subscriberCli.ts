// `telco-ledger datausage new-subscriber-key|register-key|answer|read|readings`: the subscriber's side of the
// insights market. The subscriber's wallet key lives in a local file (mode 0600) and never leaves this process: the
// CLI signs here and the member's agent only submits; `read` opens the sealed insight here and checks it against the
// digest on chain.
import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import type { Hex } from "viem";
import { callAgent, callAgentAllItems } from "../cli/agentClient.ts";
import { type ClientOptions, targetOf, withClientOptions } from "../cli/common.ts";
import { printResult } from "../cli/output.ts";
import type { Envelope } from "./insightsCrypto.ts";
import { AGENT_STORE } from "./subscriberLocations.ts";
import type { SigningDomain } from "./subscriberSigning.ts";

// Registering these commands runs on every `telco-ledger` command: the signing and sealing code (viem's accounts, the
// ECIES opener) loads inside the actions that use it.
const signing = () => import("./subscriberSigning.ts");

type Row = Record<string, unknown>;

export function keyOf(file: string): Hex {
  const { privateKey } = JSON.parse(readFileSync(file, "utf8")) as { privateKey?: string };
  if (!privateKey || !/^0x[0-9a-fA-F]{64}$/.test(privateKey)) throw new Error(`${file}: no privateKey in it`);
  return privateKey as Hex;
}

export function registerSubscriberCommands(du: Command): void {
  withClientOptions(
    du.command("new-subscriber-key").description("as subscriber, make a wallet key (secp256k1) in a local file"),
  )
    .requiredOption("--out <file>", "where to write the key (mode 0600)")
    .action(async (o: ClientOptions & { out: string }) => {
      const { generatePrivateKey } = await import("viem/accounts");
      const { subscriberWallet } = await signing();
      const privateKey = generatePrivateKey();
      writeFileSync(o.out, JSON.stringify({ privateKey }), { mode: 0o600, flag: "wx" });
      const wallet = subscriberWallet(privateKey);
      printResult(
        { file: o.out, address: wallet.address, publicKey: wallet.publicKey },
        o,
        (r: Row) => `subscriber key ${r.address} written to ${r.file}`,
      );
    });

  withClientOptions(
    du
      .command("register-key <consentId>")
      .description("as subscriber, register your key for your contract (signed here, submitted by --agent)"),
  )
    .requiredOption("--key-file <file>", "the subscriber's key file")
    .action(async (consentId: string, o: ClientOptions & { keyFile: string }) => {
      const target = targetOf(o);
      const { subscriberWallet } = await signing();
      const wallet = subscriberWallet(keyOf(o.keyFile));
      const domain = await callAgent<SigningDomain>(target, "GET", "/v1/datausage/signing-domain");
      const body = {
        consentId,
        publicKey: wallet.publicKey,
        signature: await wallet.signKey(domain, consentId as Hex),
      };
      printResult(
        await callAgent(target, "POST", "/v1/datausage/subscriber-keys", body),
        o,
        (r: Row) => `subscriber key ${r.subscriberKey} registered for ${r.consentId}`,
      );
    });

  withClientOptions(
    du
      .command("answer <insightId> <decision>")
      .description(
        "as subscriber, accept or decline an insight offered about you (signed here, --agent the controller)",
      ),
  )
    .requiredOption("--key-file <file>", "the subscriber's key file")
    .option("--location <where>", `where an accepted insight goes: "${AGENT_STORE}" or an http(s) URL`, AGENT_STORE)
    .option("--valid-for <seconds>", "how long the signed answer may wait to be submitted", "600")
    .action(
      async (
        insightId: string,
        decision: string,
        o: ClientOptions & { keyFile: string; location: string; validFor: string },
      ) => {
        if (decision !== "accept" && decision !== "decline")
          throw new Error(`decision must be accept or decline, not ${decision}`);
        const target = targetOf(o);
        const { subscriberWallet, locationDigestOf } = await signing();
        const wallet = subscriberWallet(keyOf(o.keyFile));
        const domain = await callAgent<SigningDomain>(target, "GET", "/v1/datausage/signing-domain");
        const accepted = decision === "accept";
        const deadline = Math.floor(Date.now() / 1000) + Number(o.validFor);
        const signature = await wallet.signAnswer(domain, {
          insightId: insightId as Hex,
          accepted,
          locationDigest: locationDigestOf(o.location),
          deadline: BigInt(deadline),
        });
        printResult(
          await callAgent(target, "POST", `/v1/datausage/insights/${insightId}/answers`, {
            accepted,
            location: o.location,
            deadline,
            signature,
          }),
          o,
          (r: Row) =>
            r.accepted
              ? `accepted ${r.insightId} by ${r.subscriberKey}; sealed to it and stored at ${r.storedAt}${r.storageError ? ` (${r.storageError})` : ""}`
              : `declined ${r.insightId} by ${r.subscriberKey}`,
        );
      },
    );

  withClientOptions(
    du
      .command("read <insightId>")
      .description("as subscriber, read an accepted insight from the controller's store (--agent) and open it here"),
  )
    .requiredOption("--key-file <file>", "the subscriber's key file")
    .option("--envelope <file>", "open this envelope (fetched from your own store) instead of asking the agent")
    .action(async (insightId: string, o: ClientOptions & { keyFile: string; envelope?: string }) => {
      const target = targetOf(o);
      const privateKey = keyOf(o.keyFile);
      const [{ subscriberWallet }, { openAsSubscriber }, { fingerprint }] = await Promise.all([
        signing(),
        import("./insightsCrypto.ts"),
        import("./fingerprints.ts"),
      ]);
      const wallet = subscriberWallet(privateKey);
      let envelope: Envelope & { readerFingerprint?: string };
      if (o.envelope) envelope = JSON.parse(readFileSync(o.envelope, "utf8")) as Envelope;
      else {
        const domain = await callAgent<SigningDomain>(target, "GET", "/v1/datausage/signing-domain");
        const issuedAt = Math.floor(Date.now() / 1000);
        const signature = await wallet.signReading(domain, { insightId: insightId as Hex, issuedAt: BigInt(issuedAt) });
        envelope = await callAgent(target, "POST", `/v1/datausage/insights/${insightId}/readings`, {
          issuedAt,
          signature,
        });
      }
      const { payload, salt } = JSON.parse(openAsSubscriber(privateKey, insightId as Hex, envelope)) as {
        payload: unknown;
        salt: Hex;
      };
      const insight = await callAgent<Row>(target, "GET", `/v1/datausage/insights/${insightId}`);
      const digestMatches = fingerprint(salt, payload) === insight.contentDigest;
      printResult(
        { insightId, payload, digestMatches, readerFingerprint: envelope.readerFingerprint ?? null },
        o,
        (r: Row) =>
          `${digestMatches ? "digest checked" : "DIGEST MISMATCH"}; ${JSON.stringify(r.payload)}${r.readerFingerprint ? `; reading recorded (${r.readerFingerprint})` : ""}`,
      );
    });

  withClientOptions(
    du.command("readings <insightId>").description("an insight's recorded readings (no content)"),
  ).action(async (insightId: string, o: ClientOptions) => {
    const { items } = await callAgentAllItems<Row>(targetOf(o), `/v1/datausage/insights/${insightId}/readings`);
    const answer = await callAgent<Row>(targetOf(o), "GET", `/v1/datausage/insights/${insightId}/answer`);
    printResult({ answer, readings: items }, o, () =>
      [
        `${answer.accepted ? "accepted" : "declined"} by ${answer.subscriberKey} at ${answer.answeredAt}`,
        ...items.map((r) => `read at ${r.readAt} by reader ${r.readerFingerprint} (recorded by ${r.recordedBy})`),
      ].join("\n"),
    );
  });
}

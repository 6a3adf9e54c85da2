// `telco-ledger iot ...`: schemas, vetting, attestations, batches, policies and decisions through a member agent's
// API, and the simulator: `iot device ...` acts as a device (its own key, its registration signature) and
// `iot gateway ...` as the home gateway or the operator's access check (device facts + a policy decision).
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { callAgent } from "../cli/agentClient.ts";
import { type ClientOptions, targetOf, withClientOptions } from "../cli/common.ts";
import { printResult, readInputText, table } from "../cli/output.ts";

// The device simulator and the service (for subjectOf) load the chain and JWT libraries: the `iot device` actions
// import them when they run, so that registering these commands (done by every `telco-ledger` command) stays cheap.

type Row = Record<string, unknown>;
const json = (r: object) => JSON.stringify(r, null, 2);
const list = (v: string) =>
  v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

export function registerIotCommands(program: Command): void {
  const iot = program
    .command("iot")
    .description("IoT trust attributes: device attestations and relying-party policies");
  registerSchemaCommands(iot);
  registerAttestationCommands(iot);
  registerPolicyCommands(iot);
  registerDeviceCommands(iot);
  registerGatewayCommands(iot);
  registerFirmwareCommands(iot);
  registerCertificateCommands(iot);
}

/** The PEM certificates of the files, in order (a file may hold several, as a chain file does). */
function pemsOf(files: readonly string[]): string[] {
  return files.flatMap(
    (file) => readFileSync(file, "utf8").match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [],
  );
}

function registerCertificateCommands(iot: Command): void {
  withClientOptions(
    iot.command("oem-certificate <pem-file>").description("as the OEM, attest its root or intermediate certificate"),
  )
    .option("--expires-at <unix>", "when the attestation expires (unix seconds)", Number)
    .action(async (file: string, o: ClientOptions & { expiresAt?: number }) => {
      const [pem] = pemsOf([file]);
      if (!pem) throw new Error(`${file} holds no PEM certificate`);
      const body = { pem, ...(o.expiresAt !== undefined ? { expiresAt: o.expiresAt } : {}) };
      printResult(
        await callAgent(targetOf(o), "POST", "/v1/iot/oem-certificates", body),
        o,
        (r: Row) => `OEM certificate ${r.subject} attested: ${r.id} ${r.status}`,
      );
    });

  withClientOptions(
    iot
      .command("verify-chain <pem-files...>")
      .description("does a device's certificate chain (device certificate first) reach an OEM-attested certificate?"),
  ).action(async (files: string[], o: ClientOptions) => {
    printResult(
      await callAgent(targetOf(o), "POST", "/v1/iot/certificate-chains/verify", { chain: pemsOf(files) }),
      o,
      (r: Row) => {
        const anchor = r.anchor as Row;
        return `trusted: chains to certificate ${anchor.index} (${anchor.sha256}), attested by OEM ${anchor.oem}`;
      },
    );
  });
}

function registerFirmwareCommands(iot: Command): void {
  withClientOptions(
    iot.command("firmware <make> <model> <version>").description("as the OEM, publish a firmware release"),
  )
    .requiredOption("--sha256 <hash>", "the image's SHA-256, 0x-prefixed")
    .requiredOption("--signature <hex>", "the OEM's signature of the image")
    .action(
      async (
        make: string,
        model: string,
        version: string,
        o: ClientOptions & { sha256: string; signature: string },
      ) => {
        const body = { make, model, version, sha256: o.sha256, signature: o.signature };
        printResult(
          await callAgent(targetOf(o), "POST", "/v1/iot/firmware", body),
          o,
          (r: Row) => `firmware ${version} ${r.id} ${r.status}`,
        );
      },
    );

  withClientOptions(iot.command("document <make> <model> <title>").description("as the OEM, publish a document"))
    .requiredOption("--link <url>", "where to fetch it")
    .requiredOption("--sha256 <hash>", "its SHA-256, 0x-prefixed")
    .option("--kind <kind>", "manual, safety notice ...", "manual")
    .action(
      async (
        make: string,
        model: string,
        title: string,
        o: ClientOptions & { link: string; sha256: string; kind: string },
      ) => {
        const body = { make, model, title, kind: o.kind, url: o.link, sha256: o.sha256 };
        printResult(
          await callAgent(targetOf(o), "POST", "/v1/iot/documents", body),
          o,
          (r: Row) => `document "${title}" ${r.id} ${r.status}`,
        );
      },
    );
}

function registerSchemaCommands(iot: Command): void {
  withClientOptions(iot.command("schema <name> <definition>").description("register an attestation schema"))
    .requiredOption("--kinds <list>", "attester kinds it accepts: oem,operator,third-party,peer")
    .option("--irrevocable", "attestations of this schema cannot be revoked")
    .action(async (name: string, definition: string, o: ClientOptions & { kinds: string; irrevocable?: boolean }) => {
      const body = { name, definition, revocable: !o.irrevocable, attesterKinds: list(o.kinds) };
      printResult(await callAgent(targetOf(o), "POST", "/v1/iot/schemas", body), o, (r: Row) => `schema ${r.schemaId}`);
    });

  withClientOptions(iot.command("vet <attester>").description("vet an attester DID address (TRUST_AUTHORITY only)"))
    .requiredOption("--kind <kind>", "oem | operator | third-party | peer")
    .action(async (attester: string, o: ClientOptions & { kind: string }) => {
      printResult(
        await callAgent(targetOf(o), "POST", "/v1/iot/attesters", {
          attester: attester.replace(/^did:ethr:/, ""),
          kind: o.kind,
        }),
        o,
        (r: Row) => `${r.attester} vetted as ${r.kind}`,
      );
    });

  withClientOptions(iot.command("attester <address>").description("an attester's kind now")).action(
    async (address: string, o: ClientOptions) => {
      printResult(
        await callAgent(targetOf(o), "GET", `/v1/iot/attesters/${address}`),
        o,
        (r: Row) => `${r.attester}: ${r.kind ?? "not vetted"}`,
      );
    },
  );
}

function registerAttestationCommands(iot: Command): void {
  withClientOptions(iot.command("attest <subject>").description("attest about a device (or a model id) as this member"))
    .requiredOption("--schema <id>", "schema id")
    .requiredOption("--data <json>", "the attested claims, a JSON object")
    .option("--offchain", "a signed token anchored later in a batch (default: on chain)")
    .option("--expires <unix>", "expiry, unix seconds", (v) => Number(v))
    .option("--expires-in <seconds>", "expiry, seconds from now", (v) => Number(v))
    .action(
      async (
        subject: string,
        o: ClientOptions & { schema: string; data: string; offchain?: boolean; expires?: number; expiresIn?: number },
      ) => {
        const expiresAt = o.expires ?? (o.expiresIn ? Math.floor(Date.now() / 1000) + o.expiresIn : undefined);
        const body = {
          schemaId: o.schema,
          subject,
          data: JSON.parse(o.data) as Row,
          form: o.offchain ? "offchain" : "onchain",
          ...(expiresAt ? { expiresAt } : {}),
        };
        printResult(
          await callAgent(targetOf(o), "POST", "/v1/iot/attestations", body),
          o,
          (r: Row) => `${r.id} ${r.form} ${r.status}`,
        );
      },
    );

  withClientOptions(iot.command("anchor").description("anchor this member's pending off-chain attestations"))
    .option("--peers", "anchor the devices' peer attestations this member relays instead")
    .action(async (o: ClientOptions & { peers?: boolean }) => {
      printResult(
        await callAgent(targetOf(o), "POST", o.peers ? "/v1/iot/peer-batches" : "/v1/iot/batches", {}),
        o,
        (r: Row) =>
          `${r.kind === "peer" ? "peer batch" : "batch"} ${r.batchId}: ${r.count} attestations under root ${r.root}`,
      );
    });

  withClientOptions(iot.command("show <id>").description("one attestation with its status and proof")).action(
    async (id: string, o: ClientOptions) => {
      printResult(
        await callAgent(targetOf(o), "GET", `/v1/iot/attestations/${id}`),
        o,
        (r: Row) => `${r.id} ${r.form} ${r.status} attester ${r.attester}${r.batchId ? ` batch ${r.batchId}` : ""}`,
      );
    },
  );

  withClientOptions(iot.command("list <subject>").description("a subject's attestations, on chain and off"))
    .option("--limit <n>", "how many", (v) => Number(v), 50)
    .action(async (subject: string, o: ClientOptions & { limit: number }) => {
      printResult(
        await callAgent<{ items: Row[] }>(
          targetOf(o),
          "GET",
          `/v1/iot/subjects/${subject}/attestations?limit=${o.limit}`,
        ),
        o,
        (r: { items: Row[] }) => table(r.items, ["id", "form", "status", "attester"]),
      );
    });

  withClientOptions(iot.command("revoke <id>").description("revoke one of this member's attestations")).action(
    async (id: string, o: ClientOptions) => {
      printResult(
        await callAgent(targetOf(o), "POST", `/v1/iot/attestations/${id}/revoke`, {}),
        o,
        (r: Row) => `revoked ${r.id}`,
      );
    },
  );

  withClientOptions(
    iot
      .command("import <file>")
      .description(
        "import an attestation another agent issued: the JSON `iot show --json` printed there ('-' = stdin)",
      ),
  )
    .option("--proof <list>", "override the proof: comma-separated 32-byte hashes")
    .action(async (file: string, o: ClientOptions & { proof?: string }) => {
      const shown = JSON.parse(readInputText(file)) as Row;
      const body = {
        jwt: shown.jwt,
        ...(shown.batchId ? { batchId: shown.batchId } : {}),
        ...(o.proof !== undefined ? { proof: list(o.proof) } : shown.proof ? { proof: shown.proof } : {}),
        ...(shown.peerSignature ? { peerSignature: shown.peerSignature } : {}),
      };
      printResult(
        await callAgent(targetOf(o), "POST", "/v1/iot/attestations/import", body),
        o,
        (r: Row) => `imported ${r.id} ${r.form} ${r.status}`,
      );
    });
}

function registerPolicyCommands(iot: Command): void {
  withClientOptions(
    iot.command("policy <policyId> <file>").description("store a policy version (JSON: version, criteria)"),
  ).action(async (policyId: string, file: string, o: ClientOptions) => {
    const body = JSON.parse(readInputText(file)) as Row;
    printResult(
      await callAgent(targetOf(o), "PUT", `/v1/iot/policies/${policyId}`, body),
      o,
      (r: Row) => `policy ${r.policyId} version ${r.version}`,
    );
  });

  withClientOptions(iot.command("decide <subject>").description("a policy's decision for one subject, per criterion"))
    .requiredOption("--policy <id>", "policy id")
    .option("--version <n>", "policy version (default: latest)")
    .action(async (subject: string, o: ClientOptions & { policy: string; version?: string }) => {
      const q = new URLSearchParams({ policyId: o.policy, ...(o.version ? { version: o.version } : {}) });
      printResult(await callAgent(targetOf(o), "GET", `/v1/iot/subjects/${subject}/decision?${q}`), o, decisionText);
    });
}

function decisionText(r: Row): string {
  const criteria = r.criteria as Array<Row & { notCounted: Row[]; counted: string[] }>;
  const lines = criteria.map(
    (c) =>
      `  ${c.satisfied ? "ok  " : "FAIL"} ${c.name}: ${c.attesters} attester(s)` +
      (c.notCounted.length ? ` (not counted: ${c.notCounted.map((n) => n.reason).join(", ")})` : ""),
  );
  return [`${r.allowed ? "ALLOWED" : "DENIED"} by ${r.policyId} v${r.version}`, ...lines].join("\n");
}

function registerDeviceCommands(iot: Command): void {
  const device = iot.command("device").description("simulator: act as a device (its own key)");
  device
    .command("keygen <file>")
    .description("create a device key file")
    .option("--json", "print JSON")
    .action(async (file: string, o: { json?: boolean }) => {
      const { createDeviceKey } = await import("./simulator.ts");
      const key = createDeviceKey(file);
      printResult({ address: key.address }, o, (r: Row) => `device ${r.address}`);
    });

  withClientOptions(
    device.command("register <keyFile>").description("register the device with its OEM's agent (--agent = the OEM)"),
  )
    .requiredOption("--make <make>", "make")
    .requiredOption("--model <model>", "model")
    .action(async (keyFile: string, o: ClientOptions & { make: string; model: string }) => {
      const { readDeviceKey, signBinding } = await import("./simulator.ts");
      const key = readDeviceKey(keyFile);
      const target = targetOf(o);
      const q = new URLSearchParams({ device: key.address, make: o.make, model: o.model });
      const { digest } = await callAgent<{ digest: `0x${string}` }>(target, "GET", `/v1/iot/device-binding?${q}`);
      const signature = await signBinding(key, digest);
      const body = { device: key.address, make: o.make, model: o.model, signature };
      printResult(
        await callAgent(target, "POST", "/v1/iot/devices", body),
        o,
        (r: Row) => `device ${r.device} registered, model ${r.modelId}`,
      );
    });

  withClientOptions(
    device
      .command("attest <keyFile> <subject>")
      .description("as the device, attest about a neighbour off chain and hand it to a gateway (--agent) to relay"),
  )
    .requiredOption("--schema <id>", "schema id (one that accepts peers)")
    .requiredOption("--data <json>", "the attested claims, a JSON object")
    .option("--expires-in <seconds>", "expiry, seconds from now", (v) => Number(v))
    .action(
      async (
        keyFile: string,
        subject: string,
        o: ClientOptions & { schema: string; data: string; expiresIn?: number },
      ) => {
        const { readDeviceKey, signPeerAttestation } = await import("./simulator.ts");
        const { subjectOf } = await import("./service.ts");
        const now = Math.floor(Date.now() / 1000);
        const peer = await signPeerAttestation(
          readDeviceKey(keyFile),
          {
            schemaId: o.schema.toLowerCase() as `0x${string}`,
            subject: subjectOf(subject, "subject"),
            expiresAt: o.expiresIn ? now + o.expiresIn : 0,
          },
          JSON.parse(o.data) as Row,
          now,
        );
        printResult(
          await callAgent(targetOf(o), "POST", "/v1/iot/peer-attestations", {
            jwt: peer.jwt,
            signature: peer.signature,
          }),
          o,
          (r: Row) => `${r.id} peer attestation by ${r.attester} ${r.status}`,
        );
      },
    );

  withClientOptions(
    device
      .command("revoke <keyFile> <id>")
      .description("as the device, revoke one of its off-chain attestations through a gateway (--agent)"),
  ).action(async (keyFile: string, id: string, o: ClientOptions) => {
    const { readDeviceKey, signBinding } = await import("./simulator.ts");
    const key = readDeviceKey(keyFile);
    const target = targetOf(o);
    const { digest } = await callAgent<{ digest: `0x${string}` }>(
      target,
      "GET",
      `/v1/iot/attestations/${id}/revocation-digest`,
    );
    const signature = await signBinding(key, digest);
    printResult(
      await callAgent(target, "POST", `/v1/iot/attestations/${id}/revoke-signed`, { signature }),
      o,
      (r: Row) => `revoked ${r.id}`,
    );
  });

  withClientOptions(device.command("show <address>").description("a device as the ledger knows it")).action(
    async (address: string, o: ClientOptions) => {
      printResult(await callAgent(targetOf(o), "GET", `/v1/iot/devices/${address}`), o, json);
    },
  );

  withClientOptions(
    device.command("sim-binding <address>").description("as the operator (--agent), attest the device's SIM-held key"),
  ).action(async (address: string, o: ClientOptions) => {
    printResult(
      await callAgent(targetOf(o), "POST", `/v1/iot/devices/${address}/sim-binding`, {}),
      o,
      (r: Row) => `${r.device}: key in a SIM of ${r.operator}`,
    );
  });
}

function registerGatewayCommands(iot: Command): void {
  const gateway = iot.command("gateway").description("simulator: a home gateway or an operator's access check");
  withClientOptions(
    gateway.command("updates <device>").description("pending firmware and documents for a device (--agent = its OEM)"),
  )
    .requiredOption("--running <version>", "the firmware version the device reports running")
    .action(async (address: string, o: ClientOptions & { running: string }) => {
      const q = new URLSearchParams({ version: o.running });
      type Updates = { firmware: Row[]; documents: Row[]; current: string };
      printResult(
        await callAgent<Updates>(targetOf(o), "GET", `/v1/iot/devices/${address}/updates?${q}`),
        o,
        (r: Updates) =>
          [
            `running ${r.current}; pending firmware: ${r.firmware.map((f) => (f.data as Row).version).join(", ") || "none"}`,
            ...r.firmware.map(
              (f) => `  ${(f.data as Row).version} sha256 ${(f.data as Row).sha256} in batch ${f.batchId}`,
            ),
            ...r.documents.map((d) => `  ${(d.data as Row).kind}: ${(d.data as Row).title} <${(d.data as Row).url}>`),
          ].join("\n"),
      );
    });

  withClientOptions(
    gateway
      .command("verify-firmware <device> <sha256>")
      .description("is this image in the OEM's log for the device's model?"),
  ).action(async (address: string, sha256: string, o: ClientOptions) => {
    printResult(
      await callAgent(targetOf(o), "POST", "/v1/iot/firmware/check", { device: address, sha256 }),
      o,
      (r: Row) =>
        `in the log: ${(r.data as Row).version} (batch ${r.batchId}, ${(r.proof as unknown[]).length}-step proof)`,
    );
  });

  withClientOptions(
    gateway
      .command("check <device>")
      .description("read the device's make, model and OEM, and decide under a policy (certified / access granted)"),
  )
    .requiredOption("--policy <id>", "the relying party's policy")
    .option("--label <text>", "what to print when the policy allows", "certified")
    .action(async (address: string, o: ClientOptions & { policy: string; label: string }) => {
      const target = targetOf(o);
      const device = await callAgent<Row>(target, "GET", `/v1/iot/devices/${address}`);
      const decision = await callAgent<Row>(
        target,
        "GET",
        `/v1/iot/subjects/${address}/decision?policyId=${encodeURIComponent(o.policy)}`,
      );
      printResult({ device, decision }, o, (r: { device: Row; decision: Row }) =>
        [
          `${r.device.make} ${r.device.model} (OEM ${r.device.oem}): ${r.decision.allowed ? o.label : `not ${o.label}`}`,
          decisionText(r.decision),
        ].join("\n"),
      );
    });
}

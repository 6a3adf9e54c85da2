// The floor under any Node HTTP service on this machine: a bare node:http server in its own process that reads each
// POST body and answers a fixed JSON, and, in "crypto" mode, first does what an attestation's cryptography needs (one
// ECDSA P-256 verify and one sign, as node:crypto does them for the agent). No framework, no authentication, no
// validation, no logging: what it answers per second is what no Node implementation of the path can beat here. In
// "verify" mode it does one ECDSA verify only (what a STI-VS's signature check needs).
// Started by bench/stir-http.bench.ts as `node bench/lib/httpFloor.ts <port> <bare|verify|crypto>`; prints "ready".
import { createSign, createVerify, generateKeyPairSync } from "node:crypto";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";

export type FloorMode = "bare" | "verify" | "crypto";
const MODES: readonly string[] = ["bare", "verify", "crypto"];

/** The answer's size is close to an attestation's (an Identity header and its verdict). */
const ANSWER = JSON.stringify({
  attest: "A",
  identity: "x".repeat(420),
  origid: "00000000-0000-0000-0000-000000000000",
});

function serve(port: number, mode: FloorMode): void {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const signed = Buffer.from("header.payload");
  const signature = createSign("sha256").update(signed).sign({ key: privateKey, dsaEncoding: "ieee-p1363" });
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      if (mode !== "bare") {
        const valid = createVerify("sha256")
          .update(signed)
          .verify({ key: publicKey, dsaEncoding: "ieee-p1363" }, signature);
        if (!valid) throw new Error("the floor's own signature did not verify");
      }
      if (mode === "crypto") {
        createSign("sha256").update(Buffer.concat(chunks)).sign({ key: privateKey, dsaEncoding: "ieee-p1363" });
      }
      response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(ANSWER) });
      response.end(ANSWER);
    });
  });
  server.keepAliveTimeout = 60_000;
  // reusePort: several floor processes share the port, as replicas behind the kernel's balancing (Node >= 22.12).
  server.listen({ port, host: "127.0.0.1", reusePort: true }, () => console.log("ready"));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [port, mode] = process.argv.slice(2);
  if (!port || !mode || !MODES.includes(mode)) {
    console.error("usage: node bench/lib/httpFloor.ts <port> <bare|verify|crypto>");
    process.exit(2);
  }
  serve(Number(port), mode as FloorMode);
}

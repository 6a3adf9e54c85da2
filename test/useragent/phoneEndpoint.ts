// A person's device endpoint for the user-agent tests: an HTTP server that keeps each message an agent's outbox posts
// to it (`{ message }`), for the wallet to open, standing in for a phone's relay.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface PhoneEndpoint {
  /** The URL an agent's outbox posts to. */
  url: string;
  /** The tokens received, oldest first. */
  delivered: string[];
  close(): void;
}

export async function startPhoneEndpoint(): Promise<PhoneEndpoint> {
  const delivered: string[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      delivered.push((JSON.parse(body) as { message: string }).message);
      res.writeHead(202, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/inbox`, delivered, close: () => server.close() };
}

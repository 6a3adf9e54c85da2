// The validator's block sealing, served to its geth node the way geth asks an external signer (clef): JSON-RPC over a
// Unix socket, geth started with `--signer <socket>`. The signer key stays in the member's encrypted keystore and in
// this process's memory; geth never holds it. Only what sealing needs is answered: `account_version`,
// `account_list` (the one validator address) and `account_signData` for Clique headers
// (`application/x-clique-header`). Anything else (plain data, text, transactions) is refused, so even a compromised
// node cannot make the validator key sign a transaction or a message.
import { chmod, rm } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { type Address, fromRlp, getAddress, type Hex, isHex, keccak256 } from "viem";

/** The MIME type geth passes when Clique asks for a header's seal (accounts.MimetypeClique). */
export const CLIQUE_HEADER_MIME = "application/x-clique-header";
/** The version clef's external API answers; geth only checks that the call succeeds. */
const EXTERNAL_API_VERSION = "6.1.0";
/** A Clique header's RLP list has 15 fields before London, 16 with a base fee; a header is never much over 1 kB. */
const MIN_HEADER_FIELDS = 15;
const MAX_REQUEST_BYTES = 64 * 1024;

export interface Sealer {
  address: Address;
  /** Signs a 32-byte digest; answers the 65-byte signature (r, s, v with v 27 or 28, or 0 or 1). */
  signHash(hash: Hex): Promise<Hex>;
}

export interface SealerServer {
  socketPath: string;
  /** Headers sealed since start (for logs and tests). */
  sealed(): number;
  close(): Promise<void>;
}

interface JsonRpcRequest {
  jsonrpc?: string;
  id?: unknown;
  method?: unknown;
  params?: unknown;
}

class RefusedError extends Error {}

export async function serveSealer(socketPath: string, sealer: Sealer): Promise<SealerServer> {
  let sealedCount = 0;
  const validator = getAddress(sealer.address);

  const answer = async (request: JsonRpcRequest): Promise<unknown> => {
    switch (request.method) {
      case "account_version":
        return EXTERNAL_API_VERSION;
      case "account_list":
        return [validator];
      case "account_signData": {
        const [mime, address, data] = Array.isArray(request.params) ? request.params : [];
        if (mime !== CLIQUE_HEADER_MIME) {
          throw new RefusedError(`refused: this signer seals Clique headers only, not ${JSON.stringify(mime)}`);
        }
        if (typeof address !== "string" || address.toLowerCase() !== validator.toLowerCase()) {
          throw new RefusedError(`refused: this signer holds ${validator} only, not ${String(address)}`);
        }
        if (typeof data !== "string" || !isHex(data) || !isCliqueHeader(data)) {
          throw new RefusedError("refused: the data is not the RLP list of a block header");
        }
        const signature = await sealer.signHash(keccak256(data));
        sealedCount++;
        return signature;
      }
      default:
        throw new RefusedError(`the method ${String(request.method)} is not offered by this signer`);
    }
  };

  const respond = async (socket: Socket, line: string): Promise<void> => {
    let request: JsonRpcRequest;
    try {
      request = JSON.parse(line) as JsonRpcRequest;
    } catch {
      socket.write(
        `${JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "parse error" } })}\n`,
      );
      return;
    }
    try {
      const result = await answer(request);
      socket.write(`${JSON.stringify({ jsonrpc: "2.0", id: request.id ?? null, result })}\n`);
    } catch (error) {
      const refused = error instanceof RefusedError;
      const message = refused ? error.message : `signing failed: ${(error as Error).message}`;
      const code = refused ? -32601 : -32000;
      socket.write(`${JSON.stringify({ jsonrpc: "2.0", id: request.id ?? null, error: { code, message } })}\n`);
    }
  };

  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    // geth's IPC codec writes one JSON object per line; answers go back in order, one per line.
    let buffered = "";
    let queue = Promise.resolve();
    socket.setEncoding("utf8");
    socket.on("error", () => socket.destroy());
    socket.on("data", (chunk: string) => {
      buffered += chunk;
      if (buffered.length > MAX_REQUEST_BYTES) {
        socket.destroy();
        return;
      }
      for (let end = buffered.indexOf("\n"); end >= 0; end = buffered.indexOf("\n")) {
        const line = buffered.slice(0, end).trim();
        buffered = buffered.slice(end + 1);
        if (line) queue = queue.then(() => respond(socket, line));
      }
    });
  });

  await rm(socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => resolve());
  });
  // Only the node's own user may ask for a seal.
  await chmod(socketPath, 0o600);

  return {
    socketPath,
    sealed: () => sealedCount,
    close: () =>
      new Promise<void>((resolve) => {
        // geth keeps its connection open: close it, or the server never finishes closing.
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
        rm(socketPath, { force: true }).catch(() => undefined);
      }),
  };
}

/** Whether `data` is an RLP list shaped like a block header (Clique passes the header without its seal). */
function isCliqueHeader(data: Hex): boolean {
  try {
    const decoded = fromRlp(data, "hex");
    return Array.isArray(decoded) && decoded.length >= MIN_HEADER_FIELDS;
  } catch {
    return false;
  }
}

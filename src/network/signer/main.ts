// The signer process of one validator node (started by `network start` before its geth, detached, like the node):
//   node src/network/signer/main.ts <keystore dir> <passphrase file> <validator address> <socket path>
// It opens the keystore once, serves the seals on the socket until SIGTERM or SIGINT, and logs one line a minute with
// the number of headers sealed, so that `<node>/signer.log` shows that the validator is at work.
import { getAddress, isAddress } from "viem";
import { serveSealer } from "./sealerServer.ts";
import { openSealer } from "./validatorKey.ts";

const [dir, passphraseFile, address, socketPath] = process.argv.slice(2);
if (!dir || !passphraseFile || !address || !isAddress(address) || !socketPath) {
  console.error("usage: main.ts <keystore dir> <passphrase file> <validator address> <socket path>");
  process.exit(2);
}
const log = (message: string) => console.log(`${new Date().toISOString()} ${message}`);
try {
  const server = await serveSealer(socketPath, await openSealer({ dir, passphraseFile }, getAddress(address)));
  log(`sealing for ${getAddress(address)} on ${socketPath}`);
  const heartbeat = setInterval(() => log(`${server.sealed()} headers sealed`), 60_000);
  const stop = async () => {
    clearInterval(heartbeat);
    await server.close();
    log(`stopped after ${server.sealed()} headers`);
    process.exit(0);
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
} catch (error) {
  console.error(`the validator signer did not start: ${(error as Error).message}`);
  process.exit(1);
}

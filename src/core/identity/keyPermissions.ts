// The keystore refuses to open when its directory or a key file is open to other users: the files are encrypted, but
// a readable file hands anyone on the host an offline passphrase-guessing target. Refused, not fixed silently: a
// loosened mode means someone changed it (a copy, a backup restore, a volume mount), and the operator should know.
import { stat } from "node:fs/promises";
import { IdentityError } from "./errors.ts";

/** Any permission for group or others. */
const GROUP_OR_OTHERS = 0o077;

/** KEYSTORE_INSECURE_PERMISSIONS naming `path` and the chmod to run when group or others have any access to it. */
export async function assertPrivate(path: string, kind: "directory" | "file"): Promise<void> {
  const mode = (await stat(path)).mode & 0o777;
  if ((mode & GROUP_OR_OTHERS) === 0) return;
  const wanted = kind === "directory" ? "700" : "600";
  throw new IdentityError(
    "KEYSTORE_INSECURE_PERMISSIONS",
    `keystore ${kind} ${path} has mode ${mode.toString(8).padStart(3, "0")}: group or others may access it; ` +
      `run: chmod ${wanted} ${path}`,
    { details: { file: path, mode: mode.toString(8).padStart(3, "0"), chmod: `chmod ${wanted} ${path}` } },
  );
}

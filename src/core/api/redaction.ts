// Log redaction: pino paths for credentials wherever they appear in a logged object (pino has no recursive
// wildcard, so each name is listed at the depths our log objects reach).
const SECRET_FIELDS = ["key", "secret", "password", "privateKey", "apiKey", "secret_hash", "authorization"];
const MAX_DEPTH = 4;

export function redactPaths(): string[] {
  const paths = ["req.headers.authorization", "req.headers.cookie", 'res.headers["set-cookie"]'];
  for (const field of SECRET_FIELDS) {
    for (let depth = 0; depth < MAX_DEPTH; depth++) paths.push(`${"*.".repeat(depth)}${field}`);
  }
  return paths;
}

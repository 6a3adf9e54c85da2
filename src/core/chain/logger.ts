// The logging seam of the chain layer: pino's (fields, message) call shape, so a pino logger plugs in directly.
export interface ChainLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** Writes one JSON line per entry to stderr; the default when no logger is given. */
export const stderrLogger: ChainLogger = {
  info: (fields, message) => write("info", fields, message),
  warn: (fields, message) => write("warn", fields, message),
  error: (fields, message) => write("error", fields, message),
};

export const silentLogger: ChainLogger = { info() {}, warn() {}, error() {} };

function write(level: string, fields: object, message: string): void {
  const line = JSON.stringify({ level, time: new Date().toISOString(), msg: message, ...fields }, (_k, v) =>
    typeof v === "bigint" ? v.toString() : v,
  );
  process.stderr.write(`${line}\n`);
}

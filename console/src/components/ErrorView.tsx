// An error as the user must see it: the agent's code and message (and request id to quote to support).
import { ApiFailure } from "../api.ts";

export function ErrorView({ error }: { error: unknown }) {
  if (error === undefined || error === null) return null;
  const failure =
    error instanceof ApiFailure
      ? error
      : new ApiFailure(0, "CONSOLE_ERROR", (error as Error)?.message ?? String(error));
  return (
    <div className="error" role="alert">
      <strong className="error-code">{failure.code}</strong> <span className="error-message">{failure.message}</span>
      {failure.requestId ? <small> (request {failure.requestId})</small> : null}
    </div>
  );
}

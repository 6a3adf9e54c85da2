// The X.509 serial number of an application's certificate, derived from the application id so that the read model,
// the issuer and a verifier agree on it without a counter: 16 bytes of the id, top bit cleared (a positive INTEGER)
// and the low bit of the first byte set (no leading zero byte to strip).
export function serialOf(applicationId: `0x${string}`): string {
  const first = (Number.parseInt(applicationId.slice(2, 4), 16) & 0x7f) | 0x01;
  return first.toString(16).padStart(2, "0") + applicationId.slice(4, 34).toLowerCase();
}

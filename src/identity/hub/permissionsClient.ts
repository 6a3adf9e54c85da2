// Both sides of access permissions over HTTP: the person's device grants, lists and retracts at their hub (each
// request signed by a HubClient), and a grantee posts its RetrieveAttestations message and gets the sealed copies.
import { sealJwe } from "../../core/identity/ecdhJwe.ts";
import type { ATTESTATION_FORMATS } from "../../core/identity/messages/index.ts";
import type { HubClient } from "./client.ts";
import { HubRequestError } from "./client.ts";
import type { Retrieved } from "./permissions.ts";
import type { HubPermission, SealedCopy } from "./repositoryPermissions.ts";

export interface PermissionObject {
  id: string;
  grantee: string;
  attestationTypes: string[];
  actions: "read"[];
  expiresAt?: number;
}

/** What a copy holds once the grantee opens it: the attestation as it travels in messages. */
export interface CopyContent {
  attestationType: string;
  format: (typeof ATTESTATION_FORMATS)[number];
  payload: string;
}

/** Seals one attestation for the grantee (its key-agreement key): done on the device, never at the hub. */
export async function sealCopy(
  content: CopyContent,
  granteeKey: { x: string; y: string; kid: string },
): Promise<SealedCopy> {
  const jwe = await sealJwe(Buffer.from(JSON.stringify(content), "utf8"), granteeKey, { cty: "json" });
  return { attestationType: content.attestationType, jwe };
}

async function signedCall<T>(client: HubClient, agentUrl: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${agentUrl.replace(/\/$/, "")}${path}`, {
    method,
    headers: {
      authorization: await client.authorization(method, path, body),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const parsed = text ? JSON.parse(text) : undefined;
  if (!response.ok) throw new HubRequestError(response.status, parsed ?? {});
  return parsed as T;
}

export const grantAtHub = (client: HubClient, agentUrl: string, permission: PermissionObject, copies: SealedCopy[]) =>
  signedCall<HubPermission>(client, agentUrl, "POST", `${client.hubPath}/permissions`, { permission, copies });

export const retractAtHub = (client: HubClient, agentUrl: string, permissionId: string) =>
  signedCall<HubPermission>(client, agentUrl, "DELETE", `${client.hubPath}/permissions/${permissionId}`);

export async function permissionsAtHub(client: HubClient, agentUrl: string): Promise<HubPermission[]> {
  const out: HubPermission[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: HubPermission[]; nextCursor: string | null } = await signedCall(
      client,
      agentUrl,
      "GET",
      `${client.hubPath}/permissions?limit=100${cursor ? `&cursor=${cursor}` : ""}`,
    );
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** The grantee's side: posts a RetrieveAttestations JWS to the hub of `owner` at `hubUrl`. */
export async function retrieveFromHub(
  hubUrl: string,
  owner: string,
  message: string,
  fetchImpl: typeof fetch = fetch,
): Promise<Retrieved> {
  const response = await fetchImpl(
    `${hubUrl.replace(/\/$/, "")}/v1/identity/hubs/${encodeURIComponent(owner)}/retrieve`,
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message }),
      redirect: "error",
      signal: AbortSignal.timeout(30_000),
    },
  );
  const parsed = (await response.json().catch(() => ({}))) as Retrieved & { code?: string; message?: string };
  if (!response.ok) throw new HubRequestError(response.status, parsed);
  return parsed;
}

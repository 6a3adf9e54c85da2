// Public surface of the identity core: keystore, hosted DIDs, resolver, credentials and their status, DID-Auth.

export {
  type BitstringStatusCheck,
  bitstringEntryType,
  type StatusListSource,
} from "./bitstringStatus.ts";
export { type CredentialFormat, type VerifiedJwtCredential, verifyJwtCredential } from "./credentialFormats.ts";
export {
  type CredentialStatusChange,
  type CredentialStatusName,
  type CredentialStatusRecord,
  CredentialStatusService,
  credentialIdOf,
  type StatusReason,
  statusReasons,
} from "./credentialStatus.ts";
export {
  type CheckedCredential,
  CredentialService,
  type IssueCredentialInput,
  type IssuedCredential,
  type StatusCheck,
  statusEntryType,
  type TelcoLedgerStatusEntry,
  type VerifyOptions,
} from "./credentials.ts";
export { type CreateOrganisationDidInput, DidService, type DidServiceOptions, type HostedDid } from "./did.ts";
export { DidAuth, type DidAuthChallenge, respondToChallenge } from "./didAuth.ts";
export { formatDid, networkIdOf, normaliseDid, parseEthrDid } from "./didEthr.ts";
export { agentServiceAttribute, attributeValiditySeconds, signingKeyAttribute } from "./erc1056.ts";
export { IDENTITY_ERRORS, IdentityError, type IdentityErrorCode } from "./errors.ts";
export { IssuedCredentialLog, type IssuedCredentialRecord } from "./issuedCredentials.ts";
export { type KeyInfo, type KeyKind, Keystore, openKeystore, type PublicJwk } from "./keystore.ts";
export { identityMigrations } from "./migrations.ts";
export {
  DidResolver,
  type DidResolverOptions,
  invalidateOnRegistryEvents,
  type RegistryEvent,
  type RegistryEventSource,
} from "./resolver.ts";

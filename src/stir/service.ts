// The signed-calls service of one agent: enterprise signing, the OSP's attestation with ledger checks, the ATIS
// signing and verification operations, and the STI-CA / STI key / trust-root administration. Settings come from
// `<dataDir>/stir.json` at start and may be changed at run time through the admin API (kept by the repository).
import type { KeyObject } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Resolvable } from "did-resolver";
import { invalidField, notFound } from "../core/errors/index.ts";
import type { Keystore } from "../core/identity/keystore.ts";
import { type AttestationDecision, type CallToAttest, OspAttester } from "./attestation.ts";
import { p256PublicKeyFromHex } from "./certificates.ts";
import { DiversionSigner, type DiversionToSign, type SignedDiversion } from "./diversion.ts";
import { type DiversionVerificationResult, DiversionVerifier } from "./divVerifier.ts";
import { signEnterprisePassport } from "./enterpriseSigner.ts";
import { StirError } from "./errors.ts";
import { formatIdentityHeader } from "./identityHeader.ts";
import { signEs256 } from "./jws.ts";
import type { LedgerFacts } from "./ledgerFacts.ts";
import type { Attestation } from "./passport.ts";
import type { StirRepository } from "./repository.ts";
import {
  defaultSettings,
  type StirConfigFile,
  type StirSettings,
  settingsOfFile,
  settingsProblem,
} from "./settings.ts";
import { StiAuthority } from "./stiAuthority.ts";
import { canonicalTn } from "./tn.ts";
import { type TrustedRoot, TrustStore } from "./trustStore.ts";
import { ShakenVerifier, type VerificationResult } from "./verifier.ts";
import { X5uFetcher } from "./x5uFetcher.ts";

export interface StirServiceOptions {
  records: StirRepository;
  keystore: Keystore;
  resolver: Resolvable;
  facts: LedgerFacts;
  /** Hosted DIDs: their current signing key kid. */
  signingKidOf(did: string): Promise<string>;
  publicUrl: string;
  dataDir: string;
}

export class StirService {
  readonly sti: StiAuthority;
  readonly trust = new TrustStore();
  readonly fetcher: X5uFetcher;
  readonly #verifier: ShakenVerifier;
  readonly #attester: OspAttester;
  readonly #diversions: DiversionSigner;
  readonly #divVerifier: DiversionVerifier;
  readonly #o: StirServiceOptions;
  readonly #keys = new Map<string, KeyObject>();
  settings: StirSettings;

  constructor(options: StirServiceOptions) {
    this.#o = options;
    this.settings = defaultSettings(options.publicUrl);
    this.sti = new StiAuthority({
      keystore: options.keystore,
      records: options.records,
      baseUrl: () => this.settings.x5uBaseUrl,
    });
    this.fetcher = new X5uFetcher({ allowedOrigins: this.settings.x5uAllowedOrigins });
    this.#verifier = new ShakenVerifier({
      fetcher: this.fetcher,
      trust: this.trust,
      freshnessSeconds: () => this.settings.freshnessSeconds,
    });
    this.#attester = new OspAttester({
      facts: options.facts,
      keysOf: (did) => this.#keysOf(did),
      signer: () => this.sti.signer(),
      freshnessSeconds: () => this.settings.freshnessSeconds,
    });
    this.#diversions = new DiversionSigner({
      facts: options.facts,
      signer: () => this.sti.signer(),
      freshnessSeconds: () => this.settings.freshnessSeconds,
    });
    this.#divVerifier = new DiversionVerifier({
      shaken: this.#verifier,
      facts: options.facts,
      freshnessSeconds: () => this.settings.freshnessSeconds,
    });
  }

  /** Reads the config file, the stored settings and roots, and the STI certificate. */
  async load(): Promise<void> {
    const path = join(this.#o.dataDir, "stir.json");
    let file: StirConfigFile = {};
    try {
      file = JSON.parse(await readFile(path, "utf8")) as StirConfigFile;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw new Error(`${path}: ${(error as Error).message}`);
    }
    const stored = (await this.#o.records.storedSettings()) as Partial<StirSettings> | undefined;
    const settings = { ...this.settings, ...settingsOfFile(file), ...stored };
    const problem = settingsProblem(settings);
    if (problem)
      throw new Error(`${path} (or the settings stored through the API): ${problem.setting} ${problem.problem}`);
    this.#apply(settings);
    if (file.trustRootsFile) {
      const rootsPath = join(this.#o.dataDir, file.trustRootsFile);
      try {
        this.trust.add(await readFile(rootsPath, "utf8"), "config");
      } catch (error) {
        throw new Error(`${path}: trustRootsFile ${rootsPath}: ${(error as Error).message}`);
      }
    }
    for (const pem of await this.#o.records.trustRootPems()) this.trust.add(pem, "api");
    await this.sti.load();
  }

  async updateSettings(change: Partial<StirSettings>): Promise<StirSettings> {
    const next = { ...this.settings, ...change };
    const problem = settingsProblem(next);
    if (problem) throw invalidField(`body.${problem.setting}`, problem.problem);
    await this.#o.records.storeSettings(next);
    this.#apply(next);
    return this.settings;
  }

  async addTrustRoot(pem: string): Promise<TrustedRoot[]> {
    const added = this.trust.add(pem, "api");
    for (const root of added) await this.#o.records.addTrustRoot(root.fingerprint, root.pem);
    return added;
  }

  async removeTrustRoot(fingerprint: string): Promise<void> {
    const removed = this.trust.remove(fingerprint);
    await this.#o.records.removeTrustRoot(fingerprint);
    if (!removed) throw notFound(`no trusted root ${fingerprint}`);
  }

  /** Enterprise side: signs an Enterprise PASSporT for a DID this agent hosts. */
  async signEnterprise(input: {
    did: string;
    orig: string;
    dest: string[];
    tnauth: string;
    rcdName?: string | undefined;
  }): Promise<{ identity: string; token: string }> {
    const kid = await this.#o.signingKidOf(input.did);
    return signEnterprisePassport(
      {
        did: input.did,
        orig: canonicalTn(input.orig, "body.orig.tn"),
        dest: input.dest.map((tn, i) => canonicalTn(tn, `body.dest.tn[${i}]`)),
        tnauth: input.tnauth,
        ...(input.rcdName !== undefined ? { rcdName: input.rcdName } : {}),
        iat: Math.floor(Date.now() / 1000),
      },
      (data) => this.#o.keystore.signEs256(kid, data),
    );
  }

  attest(call: CallToAttest): Promise<AttestationDecision> {
    return this.#attester.attest({
      ...call,
      orig: canonicalTn(call.orig, "body.orig.tn"),
      dest: call.dest.map((tn, i) => canonicalTn(tn, `body.dest.tn[${i}]`)),
    });
  }

  /** ATIS signing API: a SHAKEN PASSporT with the attestation the caller asserts (no ledger checks). */
  sign(input: { attest: Attestation; orig: string; dest: string[]; iat: number; origid: string }): {
    identity: string;
  } {
    const signer = this.sti.signer();
    const token = signEs256(
      { alg: "ES256", ppt: "shaken", typ: "passport", x5u: signer.x5u },
      {
        attest: input.attest,
        dest: { tn: input.dest.map((tn, i) => canonicalTn(tn, `body.signingRequest.dest.tn[${i}]`)) },
        iat: input.iat,
        orig: { tn: canonicalTn(input.orig, "body.signingRequest.orig.tn") },
        origid: input.origid,
      },
      signer.sign,
    );
    return { identity: formatIdentityHeader({ token, info: signer.x5u, ppt: "shaken" }) };
  }

  verify(input: {
    identity: string | undefined;
    from: string;
    to: string[];
    time?: number;
  }): Promise<VerificationResult> {
    return this.#verifier.verify(input);
  }

  /** OSP: signs the div PASSporT of a customer's diversion, if the ledger lets it use the diverting number. */
  signDiversion(input: DiversionToSign): SignedDiversion {
    return this.#diversions.sign({
      ...input,
      div: canonicalTn(input.div, "body.div.tn"),
      dest: input.dest.map((tn, i) => canonicalTn(tn, `body.dest.tn[${i}]`)),
    });
  }

  /** STI-VS: a call's SHAKEN PASSporT and its div PASSporTs, as one chain from the original dest to the To TN. */
  verifyDiverted(input: {
    identities: string[];
    from: string;
    to: string[];
    time?: number | undefined;
  }): Promise<DiversionVerificationResult> {
    return this.#divVerifier.verify({
      identities: input.identities,
      from: canonicalTn(input.from, "body.from.tn"),
      to: input.to.map((tn, i) => canonicalTn(tn, `body.to.tn[${i}]`)),
      ...(input.time !== undefined ? { time: input.time } : {}),
    });
  }

  /** Takes checked settings into use (settingsProblem found none). */
  #apply(settings: StirSettings): void {
    this.fetcher.setAllowedOrigins(settings.x5uAllowedOrigins);
    this.settings = {
      freshnessSeconds: settings.freshnessSeconds,
      x5uAllowedOrigins: [...settings.x5uAllowedOrigins],
      x5uBaseUrl: settings.x5uBaseUrl,
    };
  }

  /** The P-256 keys listed in the DID document (cached resolver; key objects cached by value). */
  async #keysOf(did: string): Promise<KeyObject[]> {
    const result = await this.#o.resolver.resolve(did);
    if (result.didResolutionMetadata?.error || !result.didDocument) {
      throw new StirError("STIR_CREDENTIAL_UNAVAILABLE", "did-unresolvable", `${did} cannot be resolved`);
    }
    const keys: KeyObject[] = [];
    for (const method of result.didDocument.verificationMethod ?? []) {
      const hex = (method as { publicKeyHex?: string }).publicKeyHex;
      if (method.type !== "JsonWebKey2020" || typeof hex !== "string" || hex.length !== 130) continue;
      let key = this.#keys.get(hex);
      if (!key) {
        key = p256PublicKeyFromHex(hex);
        this.#keys.set(hex, key);
      }
      keys.push(key);
    }
    return keys;
  }
}

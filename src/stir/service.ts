// The signed-calls service of one agent: enterprise signing, the OSP's attestation with ledger checks, the ATIS
// signing and verification operations, and the STI-CA / STI key / trust-root administration. Settings come from
// `<dataDir>/stir.json` at start and may be changed at run time through the admin API (kept in the store).
import type { KeyObject } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Resolvable } from "did-resolver";
import type { Keystore } from "../core/identity/keystore.ts";
import type { Queryable } from "../core/store/store.ts";
import { type AttestationDecision, type CallToAttest, OspAttester } from "./attestation.ts";
import { p256PublicKeyFromHex } from "./certificates.ts";
import { signEnterprisePassport } from "./enterpriseSigner.ts";
import { invalidStirInput, StirError } from "./errors.ts";
import { formatIdentityHeader } from "./identityHeader.ts";
import { signEs256 } from "./jws.ts";
import type { LedgerFacts } from "./ledgerFacts.ts";
import type { Attestation } from "./passport.ts";
import { StiAuthority } from "./stiAuthority.ts";
import { canonicalTn } from "./tn.ts";
import { TrustStore } from "./trustStore.ts";
import { ShakenVerifier, type VerificationResult } from "./verifier.ts";
import { X5uFetcher } from "./x5uFetcher.ts";

export interface StirSettings {
  /** iat freshness window, seconds (RFC 8224: 60). */
  freshnessSeconds: number;
  /** Origins x5u may point at ("*" = any non-loopback host). */
  x5uAllowedOrigins: string[];
  /** Base of this OSP's x5u URL; default the agent's public URL. */
  x5uBaseUrl: string;
}

export interface StirConfigFile extends Partial<StirSettings> {
  /** PEM bundle of trusted STI-CA roots, relative to the data dir. */
  trustRootsFile?: string;
}

export interface StirServiceOptions {
  db: Queryable;
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
  readonly #o: StirServiceOptions;
  readonly #keys = new Map<string, KeyObject>();
  settings: StirSettings;

  constructor(options: StirServiceOptions) {
    this.#o = options;
    this.settings = {
      freshnessSeconds: 60,
      x5uAllowedOrigins: [new URL(options.publicUrl).origin],
      x5uBaseUrl: options.publicUrl,
    };
    this.sti = new StiAuthority({
      keystore: options.keystore,
      db: options.db,
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
  }

  /** Reads the config file, the stored settings and roots, and the STI certificate. */
  async load(): Promise<void> {
    let file: StirConfigFile = {};
    try {
      file = JSON.parse(await readFile(join(this.#o.dataDir, "stir.json"), "utf8")) as StirConfigFile;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    const stored = await this.#o.db.one<{ value: string }>(`SELECT value FROM stir_settings WHERE name = 'settings'`);
    this.#apply({
      ...this.settings,
      ...pickSettings(file),
      ...(stored ? (JSON.parse(stored.value) as StirSettings) : {}),
    });
    if (file.trustRootsFile) {
      this.trust.add(await readFile(join(this.#o.dataDir, file.trustRootsFile), "utf8"), "config");
    }
    for (const row of await this.#o.db.query<{ pem: string }>(`SELECT pem FROM stir_trust_roots ORDER BY added_at`)) {
      this.trust.add(row.pem, "api");
    }
    await this.sti.load();
  }

  async updateSettings(change: Partial<StirSettings>): Promise<StirSettings> {
    const next = { ...this.settings, ...change };
    this.#apply(next);
    await this.#o.db.exec(
      `INSERT INTO stir_settings (name, value) VALUES ('settings', $1)
       ON CONFLICT (name) DO UPDATE SET value = excluded.value`,
      [JSON.stringify(next)],
    );
    return this.settings;
  }

  async addTrustRoot(pem: string) {
    const added = this.trust.add(pem, "api");
    for (const root of added) {
      await this.#o.db.exec(
        `INSERT INTO stir_trust_roots (fingerprint, pem, added_at) VALUES ($1, $2, $3) ON CONFLICT (fingerprint) DO NOTHING`,
        [root.fingerprint, root.pem, new Date().toISOString()],
      );
    }
    return added;
  }

  async removeTrustRoot(fingerprint: string): Promise<void> {
    const removed = this.trust.remove(fingerprint);
    await this.#o.db.exec(`DELETE FROM stir_trust_roots WHERE fingerprint = $1`, [fingerprint]);
    if (!removed) throw new StirError("STIR_NOT_FOUND", "root-unknown", `no trusted root ${fingerprint}`);
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

  #apply(settings: StirSettings): void {
    if (
      !Number.isInteger(settings.freshnessSeconds) ||
      settings.freshnessSeconds < 1 ||
      settings.freshnessSeconds > 3600
    ) {
      throw invalidStirInput("freshnessSeconds", "must be an integer from 1 to 3600");
    }
    if (!Array.isArray(settings.x5uAllowedOrigins)) throw invalidStirInput("x5uAllowedOrigins", "must be a list");
    for (const [i, origin] of settings.x5uAllowedOrigins.entries()) {
      if (origin === "*") continue;
      try {
        const url = new URL(origin);
        if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("scheme");
      } catch {
        throw invalidStirInput(`x5uAllowedOrigins[${i}]`, "must be an http(s) origin or *");
      }
    }
    try {
      const base = new URL(settings.x5uBaseUrl);
      if (base.protocol !== "http:" && base.protocol !== "https:") throw new Error("scheme");
    } catch {
      throw invalidStirInput("x5uBaseUrl", "must be an http(s) URL");
    }
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

function pickSettings(file: StirConfigFile): Partial<StirSettings> {
  return {
    ...(file.freshnessSeconds !== undefined ? { freshnessSeconds: file.freshnessSeconds } : {}),
    ...(file.x5uAllowedOrigins !== undefined ? { x5uAllowedOrigins: file.x5uAllowedOrigins } : {}),
    ...(file.x5uBaseUrl !== undefined ? { x5uBaseUrl: file.x5uBaseUrl } : {}),
  };
}

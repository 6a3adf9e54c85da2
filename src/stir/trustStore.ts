// Trusted STI-CA roots of the STI-VS, changeable at run time: roots from the config file are loaded at start, roots
// added through the admin API are kept in the store; both are checked as self-signed CA certificates.
import type { X509Certificate } from "node:crypto";
import { invalidField } from "../core/errors/index.ts";
import { splitPem } from "./certificates.ts";

export interface TrustedRoot {
  fingerprint: string;
  subject: string;
  notAfter: string;
  source: "config" | "api";
  pem: string;
}

export class TrustStore {
  readonly #roots = new Map<string, { certificate: X509Certificate; source: "config" | "api" }>();
  #version = 0;

  /** Changes whenever a root is added or removed: a chain validated under another version must be validated again. */
  get version(): number {
    return this.#version;
  }

  /** Adds every certificate of a PEM bundle; each must be a self-signed CA certificate. */
  add(pem: string, source: "config" | "api"): TrustedRoot[] {
    let certificates: X509Certificate[];
    try {
      certificates = splitPem(pem);
    } catch {
      throw invalidField("body.pem", "is not a PEM certificate");
    }
    if (certificates.length === 0) throw invalidField("body.pem", "holds no PEM certificate");
    for (const certificate of certificates) {
      if (!certificate.ca || !certificate.checkIssued(certificate) || !certificate.verify(certificate.publicKey)) {
        throw invalidField("body.pem", `${certificate.subject} is not a self-signed CA certificate`);
      }
    }
    this.#version++;
    return certificates.map((certificate) => {
      this.#roots.set(certificate.fingerprint256, { certificate, source });
      return viewOf(certificate, source);
    });
  }

  remove(fingerprint: string): boolean {
    this.#version++;
    return this.#roots.delete(fingerprint);
  }

  /** The roots in fingerprint order: those after `after` (a fingerprint), at most `limit`. */
  list(options: { after?: string | undefined; limit?: number } = {}): TrustedRoot[] {
    const { after, limit = Number.POSITIVE_INFINITY } = options;
    const fingerprints = [...this.#roots.keys()].sort().filter((f) => after === undefined || f > after);
    return fingerprints.slice(0, limit).map((fingerprint) => {
      const { certificate, source } = this.#roots.get(fingerprint) as {
        certificate: X509Certificate;
        source: "config" | "api";
      };
      return viewOf(certificate, source);
    });
  }

  /** The trusted root that issued this certificate, if any. */
  issuerOf(certificate: X509Certificate): X509Certificate | undefined {
    for (const { certificate: root } of this.#roots.values()) {
      if (certificate.checkIssued(root) && certificate.verify(root.publicKey)) return root;
    }
    return undefined;
  }

  isTrusted(certificate: X509Certificate): boolean {
    return this.#roots.has(certificate.fingerprint256);
  }
}

function viewOf(certificate: X509Certificate, source: "config" | "api"): TrustedRoot {
  return {
    fingerprint: certificate.fingerprint256,
    subject: certificate.subject,
    notAfter: new Date(certificate.validTo).toISOString(),
    source,
    pem: certificate.toString(),
  };
}

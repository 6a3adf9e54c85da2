// RFC 3161 time-stamp tokens backed by the ledger: a TimeStampReq (as `openssl ts -query` makes it) is answered with
// a TimeStampResp whose token is CMS SignedData (RFC 5652) over a TSTInfo, signed ECDSA P-256 / SHA-256 by the
// consortium's TSA key. The token's genTime is the time of the block that anchored the request's digest on the
// TimestampLedger, and a non-critical TSTInfo extension carries the ledger proof (root, leaf index, tree size, path),
// so the token is checked by standard tools (`openssl ts -verify`) and against the chain (our CLI).

import { createHash } from "node:crypto";
import {
  Attribute,
  CertificateChoices,
  CertificateSet,
  ContentInfo,
  DigestAlgorithmIdentifiers,
  EncapsulatedContent,
  EncapsulatedContentInfo,
  IssuerAndSerialNumber,
  id_signedData,
  SignedData,
  SignerIdentifier,
  SignerInfo,
  SignerInfos,
} from "@peculiar/asn1-cms";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import {
  id_ct_tstInfo,
  MessageImprint,
  PKIFailureInfo,
  PKIFailureInfoFlags,
  PKIFreeText,
  PKIStatus,
  PKIStatusInfo,
  TimeStampReq,
  TimeStampResp,
  TimeStampToken,
  TSTInfo,
} from "@peculiar/asn1-tsp";
import { AlgorithmIdentifier, Certificate, Extension, Extensions } from "@peculiar/asn1-x509";
import * as asn1js from "asn1js";
import { bytesToHex, type Hex, hexToBytes } from "viem";
import type { Es256Signer } from "../x509.ts";

/** The consortium TSA's policy (a UUID-based OID, ITU-T X.667: no registration needed). */
export const TSA_POLICY = "2.25.252089468497123184349063452617497130611";
/** The TSTInfo extension carrying the ledger proof (non-critical: other verifiers ignore it). */
export const LEDGER_PROOF_EXTENSION = "2.25.252089468497123184349063452617497130612";

// asn1js reads an arc above 2^53 back in its own form ("2.25.{hex}"), so parsed OIDs are compared with ours read back
// the same way.
const asParsed = (oid: string): string =>
  (asn1js.fromBER(new asn1js.ObjectIdentifier({ value: oid }).toBER()).result as asn1js.ObjectIdentifier).getValue();
const PARSED_POLICY = asParsed(TSA_POLICY);
const PARSED_LEDGER_PROOF = asParsed(LEDGER_PROOF_EXTENSION);
const isOid = (parsed: string | undefined, oid: string, parsedForm: string) => parsed === oid || parsed === parsedForm;

const OID = {
  sha256: "2.16.840.1.101.3.4.2.1",
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  contentType: "1.2.840.113549.1.9.3",
  messageDigest: "1.2.840.113549.1.9.4",
  signingTime: "1.2.840.113549.1.9.5",
  signingCertificateV2: "1.2.840.113549.1.9.16.2.47",
} as const;

/** Why a request is refused (RFC 3161 PKIFailureInfo). */
export class TimeStampRefusal extends Error {
  readonly failure: keyof typeof PKIFailureInfoFlags;
  constructor(failure: keyof typeof PKIFailureInfoFlags, message: string) {
    super(message);
    this.failure = failure;
  }
}

export interface ParsedRequest {
  digest: Uint8Array;
  nonce?: ArrayBuffer;
  certReq: boolean;
}

/** Parses and checks a DER TimeStampReq: version 1, a SHA-256 imprint, our policy or none, no extensions. */
export function parseTimeStampRequest(der: Uint8Array): ParsedRequest {
  let request: TimeStampReq;
  try {
    request = AsnConvert.parse(der, TimeStampReq);
  } catch (error) {
    throw new TimeStampRefusal("badDataFormat", `not a DER TimeStampReq: ${(error as Error).message}`);
  }
  if (request.version !== 1) throw new TimeStampRefusal("badRequest", `version ${request.version}; 1 expected`);
  if (request.messageImprint.hashAlgorithm.algorithm !== OID.sha256) {
    throw new TimeStampRefusal("badAlg", `hash ${request.messageImprint.hashAlgorithm.algorithm}: only SHA-256`);
  }
  const digest = new Uint8Array(request.messageImprint.hashedMessage.buffer);
  if (digest.length !== 32) throw new TimeStampRefusal("badDataFormat", "a SHA-256 imprint is 32 bytes");
  if (request.reqPolicy !== undefined && !isOid(request.reqPolicy, TSA_POLICY, PARSED_POLICY)) {
    throw new TimeStampRefusal("unacceptedPolicy", `policy ${request.reqPolicy}; this TSA has ${TSA_POLICY}`);
  }
  if (request.extensions?.length) throw new TimeStampRefusal("unacceptedExtension", "no request extension is served");
  return { digest, ...(request.nonce ? { nonce: request.nonce } : {}), certReq: request.certReq };
}

/** The ledger proof a token carries. */
export interface LedgerProof {
  root: Hex;
  leafIndex: number;
  treeSize: number;
  proof: Hex[];
}

export interface TokenInput {
  request: ParsedRequest;
  /** The anchoring block's time, seconds since the epoch: the token's genTime. */
  anchoredAt: number;
  ledger: LedgerProof;
  signer: Es256Signer;
  /** The TSA certificate, DER. */
  tsaCertificate: Uint8Array;
}

/** A granted TimeStampResp (DER). */
export async function grantedResponse(input: TokenInput): Promise<Uint8Array> {
  const certificate = AsnConvert.parse(input.tsaCertificate, Certificate);
  const tstInfo = new TSTInfo({
    version: 1,
    policy: TSA_POLICY,
    messageImprint: new MessageImprint({
      hashAlgorithm: new AlgorithmIdentifier({ algorithm: OID.sha256 }),
      hashedMessage: new OctetString(input.request.digest),
    }),
    serialNumber: serialOf(input.ledger),
    genTime: new Date(input.anchoredAt * 1000),
    ...(input.request.nonce ? { nonce: input.request.nonce } : {}),
    extensions: new Extensions([
      new Extension({
        extnID: LEDGER_PROOF_EXTENSION,
        critical: false,
        extnValue: new OctetString(encodeLedgerProof(input.ledger)),
      }),
    ]),
  });
  const content = new Uint8Array(AsnConvert.serialize(tstInfo));
  const signedAttrs = sortedForDer([
    new Attribute({
      attrType: OID.contentType,
      attrValues: [ber(new asn1js.ObjectIdentifier({ value: id_ct_tstInfo }))],
    }),
    new Attribute({ attrType: OID.signingTime, attrValues: [ber(new asn1js.UTCTime({ valueDate: new Date() }))] }),
    new Attribute({
      attrType: OID.messageDigest,
      attrValues: [ber(new asn1js.OctetString({ valueHex: sha256(content) }))],
    }),
    new Attribute({ attrType: OID.signingCertificateV2, attrValues: [signingCertificateV2(input.tsaCertificate)] }),
  ]);
  // The signature covers the DER of the attributes as a SET OF (RFC 5652 §5.4), in their DER order.
  const toSign = ber(new asn1js.Set({ value: signedAttrs.map((a) => asn1js.fromBER(AsnConvert.serialize(a)).result) }));
  const raw = await input.signer.sign(new Uint8Array(toSign));
  const signerInfo = new SignerInfo({
    version: 1,
    sid: new SignerIdentifier({
      issuerAndSerialNumber: new IssuerAndSerialNumber({
        issuer: certificate.tbsCertificate.issuer,
        serialNumber: certificate.tbsCertificate.serialNumber,
      }),
    }),
    digestAlgorithm: new AlgorithmIdentifier({ algorithm: OID.sha256 }),
    signedAttrs,
    signatureAlgorithm: new AlgorithmIdentifier({ algorithm: OID.ecdsaWithSha256 }),
    signature: new OctetString(ecdsaDer(raw)),
  });
  const signedData = new SignedData({
    version: 3,
    digestAlgorithms: new DigestAlgorithmIdentifiers([new AlgorithmIdentifier({ algorithm: OID.sha256 })]),
    encapContentInfo: new EncapsulatedContentInfo({
      eContentType: id_ct_tstInfo,
      eContent: new EncapsulatedContent({ single: new OctetString(content) }),
    }),
    ...(input.request.certReq ? { certificates: new CertificateSet([new CertificateChoices({ certificate })]) } : {}),
    signerInfos: new SignerInfos([signerInfo]),
  });
  const token = new TimeStampToken({ contentType: id_signedData, content: AsnConvert.serialize(signedData) });
  return new Uint8Array(
    AsnConvert.serialize(
      new TimeStampResp({ status: new PKIStatusInfo({ status: PKIStatus.granted }), timeStampToken: token }),
    ),
  );
}

/** A rejection TimeStampResp (DER) naming the failure, as RFC 3161 §2.4.2 answers a refused request. */
export function rejectedResponse(refusal: TimeStampRefusal): Uint8Array {
  return new Uint8Array(
    AsnConvert.serialize(
      new TimeStampResp({
        status: new PKIStatusInfo({
          status: PKIStatus.rejection,
          statusString: new PKIFreeText([refusal.message]),
          failInfo: new PKIFailureInfo(PKIFailureInfoFlags[refusal.failure]),
        }),
      }),
    ),
  );
}

/** What a token says, read without checking its signature (`openssl ts -verify` does that). */
export interface TokenView {
  status: PKIStatus;
  digest?: Hex;
  genTime?: Date;
  policy?: string;
  ledger?: LedgerProof;
  failure?: string;
}

/** Reads a TimeStampResp (DER) or a bare TimeStampToken. */
export function readTimeStampResponse(der: Uint8Array): TokenView {
  let token: ContentInfo | undefined;
  let status = PKIStatus.granted;
  let failure: string | undefined;
  try {
    const response = AsnConvert.parse(der, TimeStampResp);
    status = response.status.status;
    token = response.timeStampToken;
    failure = response.status.statusString?.join("; ");
  } catch {
    token = AsnConvert.parse(der, ContentInfo);
  }
  if (!token) return { status, ...(failure ? { failure } : {}) };
  const signedData = AsnConvert.parse(token.content, SignedData);
  const eContent = signedData.encapContentInfo.eContent?.single;
  if (!eContent) throw new Error("the token holds no TSTInfo");
  const info = AsnConvert.parse(eContent.buffer, TSTInfo);
  const extension = info.extensions?.find((e) => isOid(e.extnID, LEDGER_PROOF_EXTENSION, PARSED_LEDGER_PROOF));
  return {
    status,
    digest: bytesToHex(new Uint8Array(info.messageImprint.hashedMessage.buffer)),
    genTime: info.genTime,
    policy: isOid(info.policy, TSA_POLICY, PARSED_POLICY) ? TSA_POLICY : info.policy,
    ...(extension ? { ledger: decodeLedgerProof(new Uint8Array(extension.extnValue.buffer)) } : {}),
  };
}

// LedgerProof ::= SEQUENCE { root OCTET STRING, leafIndex INTEGER, treeSize INTEGER, path SEQUENCE OF OCTET STRING }
function encodeLedgerProof(p: LedgerProof): ArrayBuffer {
  return ber(
    new asn1js.Sequence({
      value: [
        new asn1js.OctetString({ valueHex: hexToBytes(p.root) }),
        new asn1js.Integer({ value: p.leafIndex }),
        new asn1js.Integer({ value: p.treeSize }),
        new asn1js.Sequence({ value: p.proof.map((h) => new asn1js.OctetString({ valueHex: hexToBytes(h) })) }),
      ],
    }),
  );
}

function decodeLedgerProof(der: Uint8Array): LedgerProof {
  const parsed = asn1js.fromBER(der.slice().buffer as ArrayBuffer);
  const seq = parsed.result as asn1js.Sequence;
  const [root, leafIndex, treeSize, path] = seq.valueBlock.value as [
    asn1js.OctetString,
    asn1js.Integer,
    asn1js.Integer,
    asn1js.Sequence,
  ];
  if (parsed.offset === -1 || !root || !leafIndex || !treeSize || !path) throw new Error("malformed ledger proof");
  const hex = (o: asn1js.OctetString) => bytesToHex(new Uint8Array(o.valueBlock.valueHexView));
  return {
    root: hex(root),
    leafIndex: leafIndex.valueBlock.valueDec,
    treeSize: treeSize.valueBlock.valueDec,
    proof: (path.valueBlock.value as asn1js.OctetString[]).map(hex),
  };
}

// SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 } with ESSCertIDv2 ::= SEQUENCE { certHash }
// (hashAlgorithm left at its DEFAULT, SHA-256): RFC 5816, which binds the signer's certificate to the signature.
function signingCertificateV2(certificate: Uint8Array): ArrayBuffer {
  const certId = new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: sha256(certificate) })] });
  return ber(new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [certId] })] }));
}

// DER orders a SET OF by the encodings of its members (X.690 §11.6); verifiers re-encode, so the order must match.
function sortedForDer(attributes: Attribute[]): Attribute[] {
  const encoded = attributes.map((a) => ({ a, der: Buffer.from(AsnConvert.serialize(a)) }));
  return encoded.sort((x, y) => Buffer.compare(x.der, y.der)).map((e) => e.a);
}

/** The token's serial: 16 bytes of SHA-256(root || leaf index), positive and minimally encoded. */
function serialOf(p: LedgerProof): ArrayBuffer {
  const index = Buffer.alloc(8);
  index.writeBigUInt64BE(BigInt(p.leafIndex));
  const bytes = new Uint8Array(sha256(Buffer.concat([hexToBytes(p.root), index]))).slice(0, 16);
  bytes[0] = 0x40 | ((bytes[0] ?? 0) & 0x3f);
  return bytes.buffer;
}

/** ECDSA r || s (64 bytes) as the DER Ecdsa-Sig-Value CMS carries. */
function ecdsaDer(raw: Uint8Array): ArrayBuffer {
  const r = BigInt(bytesToHex(raw.slice(0, 32)));
  const s = BigInt(bytesToHex(raw.slice(32, 64)));
  return ber(new asn1js.Sequence({ value: [asn1js.Integer.fromBigInt(r), asn1js.Integer.fromBigInt(s)] }));
}

const ber = (value: { toBER(): ArrayBuffer }): ArrayBuffer => value.toBER();
const sha256 = (data: Uint8Array): ArrayBuffer => {
  const digest = createHash("sha256").update(data).digest();
  return digest.buffer.slice(digest.byteOffset, digest.byteOffset + digest.byteLength) as ArrayBuffer;
};

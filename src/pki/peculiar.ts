// @peculiar/x509, loaded after the Reflect metadata it needs (reflectMetadata.ts). The PKI imports it from here only.
import "./reflectMetadata.ts";

export * from "@peculiar/x509";

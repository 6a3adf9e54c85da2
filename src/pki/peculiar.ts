// @peculiar/x509, loaded after the Reflect metadata API it needs (the reflect-metadata polyfill, which its decorators
// read at load time). The PKI imports it from here only.
import "reflect-metadata";

export * from "@peculiar/x509";

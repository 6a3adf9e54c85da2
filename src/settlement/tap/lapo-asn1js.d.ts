// Types for the part of @lapo/asn1js (2.x, plain JavaScript, no bundled types) that the TAP reader uses.
declare module "@lapo/asn1js" {
  export class Stream {
    constructor(enc: ArrayLike<number> | string | Stream, pos?: number);
    /** Absolute position of this element's first identifier octet in `enc`. */
    pos: number;
  }
  export class ASN1Tag {
    /** 0 universal, 1 application, 2 context-specific, 3 private. */
    tagClass: number;
    tagConstructed: boolean;
    tagNumber: number | bigint;
    isEOC(): boolean;
  }
  export class ASN1 {
    stream: Stream;
    /** Identifier plus length octets. */
    header: number;
    /** Content length; negative for the indefinite form (then it counts the end-of-contents octets too). */
    length: number;
    tag: ASN1Tag;
    /** The children of a constructed element, null for a primitive one. */
    sub: ASN1[] | null;
    posStart(): number;
    posContent(): number;
    posEnd(): number;
    static decode(stream: ArrayLike<number> | string | Stream, offset?: number): ASN1;
  }
}

// Which IP addresses an STI-VS may fetch an x5u from when any host is allowed ("*"): public unicast only. The range
// names come from ipaddr.js (maintained, IANA special-purpose registries); we only add the deprecated IPv4-compatible
// IPv6 form (::a.b.c.d), which ipaddr.js calls unicast but which carries an IPv4 address a host may route.
import ipaddr from "ipaddr.js";

/**
 * The special-purpose range `address` (an IP literal) falls in: "loopback", "private", "linkLocal",
 * "carrierGradeNat", "uniqueLocal", "unspecified", "multicast", "broadcast", "reserved", "6to4", "teredo",
 * "rfc6052" (NAT64), "ipv4Compatible" ...; undefined for a public unicast address. IPv4-mapped IPv6
 * (::ffff:a.b.c.d) is judged as the IPv4 address it carries. Throws on a string that is not an IP address.
 */
export function specialRangeOf(address: string): string | undefined {
  const parsed = ipaddr.process(address);
  const range = parsed.range();
  if (range !== "unicast") return range;
  if (
    parsed.kind() === "ipv6" &&
    parsed
      .toByteArray()
      .slice(0, 12)
      .every((byte) => byte === 0)
  ) {
    return "ipv4Compatible";
  }
  return undefined;
}

// docs/iot.md "Peer attestations in the sandbox": sensors attest a heater's temperature range with their own keys, a
// gateway operator relays and anchors them, another operator imports them and decides; a device revokes its own.
// Run as written (test/iot/walkthroughHarness.ts).
import { describeIotWalkthroughs } from "./walkthroughHarness.ts";

describeIotWalkthroughs("Peer attestations in the sandbox");

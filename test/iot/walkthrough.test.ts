// docs/iot.md "In the sandbox": the home-network example (a lock certified, with its pending firmware and manual) and
// the zero-trust access check, run as written (test/iot/walkthroughHarness.ts).
import { describeIotWalkthroughs } from "./walkthroughHarness.ts";

describeIotWalkthroughs("In the sandbox");

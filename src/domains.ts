// The use-case domains this build of the platform runs. Add a domain by adding its plugin here.
import type { DomainPlugin } from "./agent/domain.ts";
import { eidlPlugin } from "./eidl/plugin.ts";
import { roamingPlugin } from "./roaming/plugin.ts";
import { stirPlugin } from "./stir/plugin.ts";

export const DOMAINS: readonly DomainPlugin[] = [eidlPlugin, roamingPlugin, stirPlugin];

// The identity hubs as the identity plugin mounts them: migrations, errors, and the routes (routes.ts).
import { HUB_MIGRATIONS as HUB_BASE_MIGRATIONS } from "./migrations.ts";
import { HUB_PERMISSION_MIGRATIONS } from "./migrationsPermissions.ts";

export { HUB_ERRORS } from "./errors.ts";
export { HUB_PERMISSION_ERRORS } from "./permissionsErrors.ts";
/** The hubs' tables (0230) and their access permissions (0232). */
export const HUB_MIGRATIONS = [...HUB_BASE_MIGRATIONS, ...HUB_PERMISSION_MIGRATIONS];
export { registerIdentityHubs } from "./routes.ts";

// The identity hubs as the identity plugin mounts them: migrations, errors, and the routes (routes.ts).
export { HUB_ERRORS } from "./errors.ts";
export { HUB_MIGRATIONS } from "./migrations.ts";
export { registerIdentityHubs } from "./routes.ts";

// Flow 2.1's links as the identity plugin mounts them: migrations, errors, service and routes.
export { LINK_ERRORS } from "./errors.ts";
export { LINK_MIGRATIONS } from "./migrations.ts";
export { LINKS_TAG, registerLinkRoutes } from "./routes.ts";
export { LinkService } from "./service.ts";

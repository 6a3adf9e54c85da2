// What a domain's console pages may use from the shell (import from "../../../console/src/kit.ts").
export { type ApiClient, ApiFailure } from "./api.ts";
export { ErrorView } from "./components/ErrorView.tsx";
export { Panel } from "./components/Panel.tsx";
export type { ConsolePage, ConsolePageProps } from "./plugin.ts";
export { type Resource, useResource } from "./useResource.ts";

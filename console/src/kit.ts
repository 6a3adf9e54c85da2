// What a domain's console pages may use from the shell (import from "../../../console/src/kit.ts").
export { type ApiClient, ApiFailure, readAnswer } from "./api.ts";
export { BarChart, type ChartBar } from "./components/BarChart.tsx";
export { ErrorView } from "./components/ErrorView.tsx";
export { Panel } from "./components/Panel.tsx";
export type { LiveEvent } from "./events.ts";
export type { ConsolePage, ConsolePageProps } from "./plugin.ts";
export { type LiveStream, useLiveEvents } from "./useLiveEvents.ts";
export { type Resource, useResource } from "./useResource.ts";

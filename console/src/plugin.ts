// The console's plugin seam: each domain contributes pages from `src/<domain>/console/index.tsx`, which exports
// `consolePages`. The shell finds them with Vite's import.meta.glob at build time, so adding a domain's pages never
// means editing the shell (docs/console.md).
import type { ComponentType } from "react";
import type { ApiClient } from "./api.ts";

export interface ConsolePageProps {
  api: ApiClient;
}

export interface ConsolePage {
  /** The URL segment: #/<id>. Lowercase, unique across the console. */
  id: string;
  /** The navigation entry's label and the page's heading. */
  title: string;
  /** Position in the navigation: smaller first (the shell's Overview is 0). */
  order: number;
  component: ComponentType<ConsolePageProps>;
}

export interface ConsoleModule {
  consolePages: readonly ConsolePage[];
}

/** Every domain's pages, sorted by order then title; throws on a duplicate id (a build mistake, not a user's). */
export function collectPages(modules: Record<string, ConsoleModule>, shell: readonly ConsolePage[]): ConsolePage[] {
  const pages = [...shell, ...Object.values(modules).flatMap((m) => m.consolePages)];
  const seen = new Set<string>();
  for (const page of pages) {
    if (!/^[a-z][a-z0-9-]*$/.test(page.id))
      throw new Error(`console page id ${JSON.stringify(page.id)} is not kebab-case`);
    if (seen.has(page.id)) throw new Error(`two console pages have the id ${page.id}`);
    seen.add(page.id);
  }
  return pages.sort((a, b) => a.order - b.order || a.title.localeCompare(b.title));
}

/** The domains' console modules, found at build time. */
export function domainModules(): Record<string, ConsoleModule> {
  return import.meta.glob<ConsoleModule>("../../src/*/console/index.tsx", { eager: true });
}

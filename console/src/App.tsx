// The console's shell: sign-in with the member's API key (kept in this tab's sessionStorage only), the navigation
// built from every page the shell and the domains contribute, the theme toggle, and the page named by the URL hash.
import { type FormEvent, useEffect, useMemo, useState } from "react";
import { type ApiClient, createApiClient } from "./api.ts";
import { ErrorView } from "./components/ErrorView.tsx";
import type { ConsolePage } from "./plugin.ts";
import { applyTheme, initialTheme, type Theme } from "./theme.ts";

const KEY_ITEM = "telco-ledger-key";

interface AgentInfo {
  memberName: string;
  memberAccount: string;
  chain: { chainId: number };
}

function useHashRoute(fallback: string): string {
  const read = () => window.location.hash.replace(/^#\/?/, "") || fallback;
  const [route, setRoute] = useState(read);
  // biome-ignore lint/correctness/useExhaustiveDependencies: read depends on fallback only
  useEffect(() => {
    const onChange = () => setRoute(read());
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, [fallback]);
  return route;
}

function SignIn({ onSignedIn }: { onSignedIn(api: ApiClient, info: AgentInfo): void }) {
  const [key, setKey] = useState("");
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const api = createApiClient(key.trim());
    try {
      const info = await api.get<AgentInfo>("/v1/agent");
      sessionStorage.setItem(KEY_ITEM, key.trim());
      onSignedIn(api, info);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="sign-in">
      <h1>telco-ledger console</h1>
      <form onSubmit={(e) => void submit(e)}>
        <label htmlFor="api-key">Member API key</label>
        <input
          id="api-key"
          type="password"
          autoComplete="off"
          placeholder="tlk_…"
          value={key}
          onChange={(e) => setKey(e.target.value)}
          required
        />
        <button type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <ErrorView error={error} />
      <p className="muted">The key stays in this browser tab (sessionStorage) and is sent only to this agent.</p>
    </main>
  );
}

export function App({ pages }: { pages: readonly ConsolePage[] }) {
  const [theme, setTheme] = useState<Theme>(initialTheme);
  const [session, setSession] = useState<{ api: ApiClient; info: AgentInfo }>();
  const [restoring, setRestoring] = useState(() => sessionStorage.getItem(KEY_ITEM) !== null);
  const route = useHashRoute(pages[0]?.id ?? "");
  useEffect(() => applyTheme(theme, false), [theme]);
  // A reload of the tab keeps the session: the saved key is checked again.
  useEffect(() => {
    const saved = sessionStorage.getItem(KEY_ITEM);
    if (saved === null) return;
    const api = createApiClient(saved);
    api
      .get<AgentInfo>("/v1/agent")
      .then((info) => setSession({ api, info }))
      .catch(() => sessionStorage.removeItem(KEY_ITEM))
      .finally(() => setRestoring(false));
  }, []);
  const page = useMemo(() => pages.find((p) => p.id === route), [pages, route]);
  const toggleTheme = () => {
    const next = theme === "dark" ? "light" : "dark";
    applyTheme(next, true);
    setTheme(next);
  };
  const themeButton = (
    <button type="button" className="theme-toggle" onClick={toggleTheme} aria-pressed={theme === "dark"}>
      {theme === "dark" ? "Light theme" : "Dark theme"}
    </button>
  );
  if (restoring) return <p className="muted">checking the saved key…</p>;
  if (!session)
    return (
      <>
        <header className="top">{themeButton}</header>
        <SignIn onSignedIn={(api, info) => setSession({ api, info })} />
      </>
    );
  const signOut = () => {
    sessionStorage.removeItem(KEY_ITEM);
    setSession(undefined);
  };
  const Page = page?.component;
  return (
    <>
      <a className="skip" href="#content">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">telco-ledger</span>
        <span className="member" data-testid="member-name">
          {session.info.memberName}
        </span>
        <nav aria-label="Console pages">
          <ul>
            {pages.map((p) => (
              <li key={p.id}>
                <a href={`#/${p.id}`} aria-current={p.id === page?.id ? "page" : undefined}>
                  {p.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        {themeButton}
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main id="content" tabIndex={-1}>
        <h1>{page?.title ?? "Not found"}</h1>
        {Page ? <Page api={session.api} /> : <ErrorView error={new Error(`the console has no page ${route}`)} />}
      </main>
      <footer>
        <a href="/docs">API docs</a> · <a href="/openapi.json">OpenAPI</a> · chain {session.info.chain.chainId}
      </footer>
    </>
  );
}

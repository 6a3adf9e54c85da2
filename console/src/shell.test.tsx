// The shell's non-trivial parts: the event-stream parser, page discovery's ordering and refusals, and sign-in showing
// the agent's error code and message.
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { App } from "./App.tsx";
import { EventStreamParser } from "./events.ts";
import { type ConsolePage, collectPages, domainModules } from "./plugin.ts";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  sessionStorage.clear();
});

describe("EventStreamParser", () => {
  it("splits messages across chunk boundaries, joins data lines, skips comments and CRLF", () => {
    const parser = new EventStreamParser();
    expect(parser.push('event: ready\ndata: {}\n\n: heartbeat\n\nevent: chain\ndata: {"a"')).toEqual([
      { event: "ready", data: "{}" },
    ]);
    expect(parser.push(":1}\r\n\r\ndata: x\ndata: y\n\n")).toEqual([
      { event: "chain", data: '{"a":1}' },
      { event: "message", data: "x\ny" },
    ]);
    expect(parser.push("event: chain\n")).toEqual([]);
  });
});

describe("page discovery", () => {
  const page = (id: string, order: number): ConsolePage => ({ id, title: id, order, component: () => null });

  it("finds every domain's pages (identity, phone wallet, numbering, calls, roaming, settlement) and orders them after the shell's", () => {
    const pages = collectPages(domainModules(), [page("overview", 0)]);
    expect(pages.map((p) => p.id)).toEqual([
      "overview",
      "identity",
      "phone-wallet",
      "numbering",
      "calls",
      "roaming",
      "settlement",
    ]);
  });

  it("refuses two pages with one id and an id that is not kebab-case", () => {
    expect(() => collectPages({ a: { consolePages: [page("x", 1)] } }, [page("x", 0)])).toThrow(/two console pages/);
    expect(() => collectPages({}, [page("Not Kebab", 0)])).toThrow(/kebab-case/);
  });
});

describe("sign-in", () => {
  it("shows the agent's error code and message for a refused key, and keeps no key", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () =>
        Response.json(
          { code: "UNAUTHENTICATED", message: "invalid or revoked API key", requestId: "r1" },
          { status: 401 },
        ),
      ),
    );
    render(<App pages={[{ id: "overview", title: "Overview", order: 0, component: () => <p>inside</p> }]} />);
    fireEvent.change(screen.getByLabelText("Member API key"), { target: { value: "tlk_wrong" } });
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("UNAUTHENTICATED");
    expect(alert.textContent).toContain("invalid or revoked API key");
    expect(sessionStorage.getItem("telco-ledger-key")).toBeNull();
    expect(screen.queryByText("inside")).toBeNull();
  });

  it("opens the page after a good key, keeps the key for the tab, and toggles the theme", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => Response.json({ memberName: "Alpha Telecom", memberAccount: "0x1", chain: { chainId: 7 } })),
    );
    render(<App pages={[{ id: "overview", title: "Overview", order: 0, component: () => <p>inside</p> }]} />);
    fireEvent.change(screen.getByLabelText("Member API key"), { target: { value: "tlk_good" } });
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByText("inside")).toBeTruthy();
    expect(screen.getByTestId("member-name").textContent).toBe("Alpha Telecom");
    expect(sessionStorage.getItem("telco-ledger-key")).toBe("tlk_good");
    const before = document.documentElement.dataset.theme;
    fireEvent.click(screen.getByRole("button", { name: /theme/ }));
    expect(document.documentElement.dataset.theme).not.toBe(before);
  });
});

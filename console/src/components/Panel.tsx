// A titled section of a page, with the loading state and the error of what it shows.
import type { ReactNode } from "react";
import { ErrorView } from "./ErrorView.tsx";

export function Panel(props: {
  title: string;
  error?: unknown;
  loading?: boolean;
  children?: ReactNode;
  wide?: boolean;
}) {
  const id = `panel-${props.title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  return (
    <section className={props.wide ? "panel wide" : "panel"} aria-labelledby={id} aria-busy={props.loading === true}>
      <h2 id={id}>{props.title}</h2>
      <ErrorView error={props.error} />
      {props.loading ? <p className="muted">loading…</p> : null}
      {props.children}
    </section>
  );
}

// The vetting tree from the trust authority down to the vetters and the organisations they vetted.
import { nameOf, type TreeNode, VETTING_RESULTS, type VettedOrg, vettingTree } from "./custody.ts";

function Node({ node, names }: { node: TreeNode; names: ReadonlyMap<string, string> }) {
  const result = node.org.result === undefined ? "root" : (VETTING_RESULTS[node.org.result] ?? "unknown");
  return (
    <li>
      <span>{nameOf(node.org.did, names)}</span>{" "}
      <span className={node.org.result === undefined || node.org.result === 0 ? "tag ok" : "tag bad"}>{result}</span>
      {node.children.length ? (
        <ul>
          {node.children.map((child) => (
            <Node key={child.org.did} node={child} names={names} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

export function VettingTree({
  orgs,
  names,
  label = "Vetting tree",
}: {
  orgs: readonly VettedOrg[];
  names: ReadonlyMap<string, string>;
  /** The list's accessible name (two trees on one page must differ). */
  label?: string;
}) {
  const roots = vettingTree(orgs);
  if (roots.length === 0) return <p className="muted">no organisations</p>;
  return (
    <ul className="tree" aria-label={label}>
      {roots.map((root) => (
        <Node key={root.org.did} node={root} names={names} />
      ))}
    </ul>
  );
}

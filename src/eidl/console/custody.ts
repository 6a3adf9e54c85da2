// The numbering pages' data: a number's chain of custody and the vetting tree, as the console shows them.

/** One event of GET /v1/eidl/tn/:tn/custody. */
export interface CustodyEntry {
  grantId: string;
  tnId: string;
  event: string;
  type: string;
  from: string;
  to: string;
  at: string;
  reason: string | null;
  currentStatus: string;
  blockNumber: number;
  txHash: string;
}

/** One organisation in the vetting tree: who vetted it (undefined at a root) and the decision's result. */
export interface VettedOrg {
  did: string;
  vetter: string | undefined;
  /** 0 Authorized, 1 Not Authorized, 2 Blacklisted; undefined: never vetted (a root such as the trust authority). */
  result: number | undefined;
}

export interface TreeNode {
  org: VettedOrg;
  children: TreeNode[];
}

export const VETTING_RESULTS = ["Authorized", "Not Authorized", "Blacklisted"] as const;

/** Strips a block's trailing X wildcards ("1215555XXXX" -> "1215555") and a leading +; undefined if not E.164. */
export function searchPrefix(input: string): string | undefined {
  const digits = input
    .replace(/[\s().-]/g, "")
    .replace(/^\+/, "")
    .replace(/[xX]+$/, "");
  return /^[1-9][0-9]{0,14}$/.test(digits) ? digits : undefined;
}

/** A DID's organisation name, or a shortened DID when the name is not known. */
export function nameOf(did: string, names: ReadonlyMap<string, string>): string {
  const name = names.get(did.toLowerCase());
  if (name) return name;
  const tail = did.split(":").pop() ?? did;
  return `${tail.slice(0, 8)}…${tail.slice(-4)}`;
}

/** Arranges organisations under their vetters; an organisation whose vetter is not in the list is a root. */
export function vettingTree(orgs: readonly VettedOrg[]): TreeNode[] {
  const nodes = new Map(orgs.map((org) => [org.did.toLowerCase(), { org, children: [] as TreeNode[] }]));
  const parentOf = new Map<TreeNode, TreeNode>();
  const roots: TreeNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.org.vetter ? nodes.get(node.org.vetter.toLowerCase()) : undefined;
    // A vetting cycle would hang every member of it below another: the node that would close it stays a root.
    if (parent && !reaches(parent, node, parentOf)) {
      parent.children.push(node);
      parentOf.set(node, parent);
    } else roots.push(node);
  }
  return roots;
}

/** Whether walking up from `from` through the attachments made so far reaches `target`. */
function reaches(from: TreeNode, target: TreeNode, parentOf: ReadonlyMap<TreeNode, TreeNode>): boolean {
  for (let at: TreeNode | undefined = from; at; at = parentOf.get(at)) if (at === target) return true;
  return false;
}

// Reads the reference decodings that sit beside the TAP/RAP sample files (*.reference.xml, written by an independent
// decoder) into trees the tests compare with the importer's output. Only what the files use: nested elements with
// optional off/length attributes and text leaves.
export interface RefNode {
  name: string;
  offset?: number;
  length?: number;
  text?: string;
  hex?: string;
  children: RefNode[];
}

export function parseReference(xml: string): RefNode {
  const stack: RefNode[] = [{ name: "#document", children: [] }];
  const token = /<(\/?)([A-Za-z0-9]+)([^>]*)>([^<]*)/g;
  for (const m of xml.matchAll(token)) {
    const [, closing, name = "", attrs = "", after = ""] = m;
    if (closing) {
      stack.pop();
      continue;
    }
    const node: RefNode = { name, children: [] };
    const off = /off='(\d+)'/.exec(attrs);
    const len = /length='(\d+)'/.exec(attrs);
    if (off) node.offset = Number(off[1]);
    if (len) node.length = Number(len[1]);
    const hex = /hex='([0-9a-f]*)'/.exec(attrs);
    if (hex) node.hex = hex[1];
    const text = after.trim();
    if (text) node.text = text;
    stack.at(-1)?.children.push(node);
    if (!attrs.trimEnd().endsWith("/")) stack.push(node);
  }
  const root = stack[0]?.children[0];
  if (!root) throw new Error("empty reference decoding");
  return root;
}

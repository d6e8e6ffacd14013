/**
 * YAML read through the `yaml` package's document API, keeping where each node is, so a finding
 * can point at the line of the port it is about. Multi-document files (`---`) give one
 * document each. Pure.
 */
import { LineCounter, isMap, isScalar, isSeq, parseAllDocuments, type Document } from 'yaml';

export interface YamlFile {
  readonly documents: readonly Document.Parsed[];
  /** The first syntax error, with its line. */
  readonly error: { readonly message: string; readonly line: number } | undefined;
  /** 1-based line where a node starts. */
  lineOf(node: unknown): number | undefined;
}

export function readYaml(text: string): YamlFile {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, uniqueKeys: false });
  const list = Array.isArray(documents) ? documents : [];
  const first = list.flatMap((document) => document.errors)[0];
  return {
    documents: list,
    error: first === undefined ? undefined : { message: first.message.split('\n')[0]!, line: first.linePos?.[0].line ?? 1 },
    lineOf: (node) => {
      const range = (node as { range?: [number, number, number] } | undefined)?.range;
      return range === undefined ? undefined : lineCounter.linePos(range[0]).line;
    },
  };
}

/** The value node under `key` of a mapping node, if both exist. */
export function child(node: unknown, key: string): unknown {
  if (!isMap(node)) return undefined;
  return node.items.find((pair) => isScalar(pair.key) && String(pair.key.value) === key)?.value ?? undefined;
}

/** Follows a path of keys through nested mappings. */
export function childAt(node: unknown, ...path: string[]): unknown {
  return path.reduce<unknown>((current, key) => child(current, key), node);
}

/** The [key, value node] pairs of a mapping node. */
export function entries(node: unknown): [string, unknown][] {
  if (!isMap(node)) return [];
  return node.items.flatMap((pair) => (isScalar(pair.key) ? [[String(pair.key.value), pair.value] as [string, unknown]] : []));
}

/** The items of a sequence node. */
export function items(node: unknown): unknown[] {
  return isSeq(node) ? node.items : [];
}

/** A scalar's value as text, or undefined for anything else. */
export function text(node: unknown): string | undefined {
  return isScalar(node) && node.value !== null && node.value !== undefined ? String(node.value) : undefined;
}

/** A scalar that is a whole number (YAML int or digits in a string). */
export function integer(node: unknown): number | undefined {
  const value = text(node);
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

/** The node that sets `name` in `KEY=VALUE` list items or a mapping, as compose and Kubernetes write environment variables. */
export function environmentNode(node: unknown, name: string): unknown {
  if (isMap(node)) return child(node, name);
  return items(node).find((item) => text(item)?.startsWith(`${name}=`) === true || text(child(item, 'name')) === name);
}

/** The value of the environment variable `name`, in any of those forms. */
export function environmentValue(node: unknown, name: string): string | undefined {
  const found = environmentNode(node, name);
  const assignment = text(found);
  if (assignment?.startsWith(`${name}=`)) return assignment.slice(name.length + 1);
  return isMap(found) ? text(child(found, 'value')) : assignment;
}

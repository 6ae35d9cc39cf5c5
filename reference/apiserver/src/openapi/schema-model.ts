// The schema model: every served type as data, in a notation short enough to read as a table.
// A property is `[type, description, extensions?]`, where `type` is
//   - a primitive: string, boolean, int32, int64, number, double, byte, object (free-form);
//   - a definition: its upstream name ('io.k8s.api.core.v1.PodSpec') or, when unambiguous, its
//     last segment ('PodSpec');
//   - `[]T` for an array and `map[T]` for an object whose values are T.
// The OpenAPI builders (openapi.ts) and unknown-field detection (unknown-fields.ts) both read
// from this one model, so what kubectl explains is exactly what the apiserver accepts.

export interface PropExt {
  /** x-kubernetes-patch-merge-key */
  key?: string;
  /** x-kubernetes-patch-strategy: 'merge' | 'retainKeys' | 'merge,retainKeys' */
  strategy?: string;
  /** x-kubernetes-list-type: 'atomic' | 'map' | 'set' */
  listType?: string;
  /** x-kubernetes-list-map-keys */
  mapKeys?: string[];
  /** x-kubernetes-map-type */
  mapType?: string;
  enum?: string[];
  format?: string;
}

export type Prop = [type: string, description: string, ext?: PropExt];

export interface Gvk {
  group: string;
  version: string;
  kind: string;
}

export interface TypeDef {
  /** Upstream definition name, e.g. io.k8s.api.core.v1.Pod. */
  name: string;
  description: string;
  properties?: Record<string, Prop>;
  required?: string[];
  /** Set on kinds (top-level objects and lists) only. */
  gvk?: Gvk[];
  /** For definitions that are not objects: Quantity, IntOrString, Time. */
  primitive?: { type: string; format?: string; v3OneOf?: string[] };
  /** x-kubernetes-map-type etc. on the definition itself. */
  extensions?: Record<string, unknown>;
}

export const PRIMITIVES: Record<string, { type: string; format?: string }> = {
  string: { type: 'string' },
  boolean: { type: 'boolean' },
  int32: { type: 'integer', format: 'int32' },
  int64: { type: 'integer', format: 'int64' },
  number: { type: 'number' },
  double: { type: 'number', format: 'double' },
  byte: { type: 'string', format: 'byte' },
  object: { type: 'object' },
};

/** A parsed type expression. */
export type TypeRef =
  | { kind: 'primitive'; name: string }
  | { kind: 'ref'; name: string }
  | { kind: 'array'; items: TypeRef }
  | { kind: 'map'; values: TypeRef };

/**
 * An index of definitions by full and short name. Construction fails on a reference that does
 * not resolve or is ambiguous, so a typo in the tables is caught when the module loads.
 */
export class SchemaIndex {
  readonly byName = new Map<string, TypeDef>();
  private readonly byShort = new Map<string, string[]>();
  private readonly parsed = new Map<string, Map<string, TypeRef>>();

  constructor(defs: readonly TypeDef[]) {
    for (const def of defs) {
      if (this.byName.has(def.name)) throw new Error(`duplicate schema definition ${def.name}`);
      this.byName.set(def.name, def);
      const short = def.name.slice(def.name.lastIndexOf('.') + 1);
      this.byShort.set(short, [...(this.byShort.get(short) ?? []), def.name]);
    }
    for (const def of defs) {
      const props = new Map<string, TypeRef>();
      for (const [field, [type]] of Object.entries(def.properties ?? {}))
        props.set(field, this.parse(type, `${def.name}.${field}`));
      this.parsed.set(def.name, props);
      for (const req of def.required ?? [])
        if (!props.has(req)) throw new Error(`${def.name}: required field ${req} is not a property`);
    }
  }

  /** The definition of a full name; throws when unknown. */
  get(name: string): TypeDef {
    const def = this.byName.get(name);
    if (!def) throw new Error(`unknown schema definition ${name}`);
    return def;
  }

  /** The parsed type of a property, or undefined when the definition has no such field. */
  fieldType(defName: string, field: string): TypeRef | undefined {
    return this.parsed.get(defName)?.get(field);
  }

  /** The definition serving a kind, e.g. ('', 'v1', 'Pod') → io.k8s.api.core.v1.Pod. */
  kindDefinition(gvk: Gvk): TypeDef | undefined {
    for (const def of this.byName.values())
      if (def.gvk?.some((g) => g.group === gvk.group && g.version === gvk.version && g.kind === gvk.kind))
        return def;
    return undefined;
  }

  parse(expr: string, where: string): TypeRef {
    if (expr.startsWith('[]')) return { kind: 'array', items: this.parse(expr.slice(2), where) };
    if (expr.startsWith('map[') && expr.endsWith(']'))
      return { kind: 'map', values: this.parse(expr.slice(4, -1), where) };
    if (PRIMITIVES[expr]) return { kind: 'primitive', name: expr };
    if (this.byName.has(expr)) return { kind: 'ref', name: expr };
    const candidates = this.byShort.get(expr) ?? [];
    if (candidates.length === 1) return { kind: 'ref', name: candidates[0]! };
    throw new Error(
      candidates.length
        ? `${where}: type ${expr} is ambiguous (${candidates.join(', ')}); use the full name`
        : `${where}: unknown type ${expr}`,
    );
  }
}

/** A kind's list type, as upstream generates it for every served kind. */
export function listDef(item: TypeDef, itemGvk: Gvk): TypeDef {
  const pkg = item.name.slice(0, item.name.lastIndexOf('.'));
  return {
    name: `${pkg}.${itemGvk.kind}List`,
    description: `${itemGvk.kind}List is a list of ${itemGvk.kind} objects.`,
    required: ['items'],
    gvk: [{ ...itemGvk, kind: `${itemGvk.kind}List` }],
    properties: {
      apiVersion: ['string', API_VERSION_DOC],
      items: [`[]${item.name}`, `List of ${itemGvk.kind} objects.`],
      kind: ['string', KIND_DOC],
      metadata: ['ListMeta', 'Standard list metadata.'],
    },
  };
}

export const API_VERSION_DOC =
  'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values.';
export const KIND_DOC =
  'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. In CamelCase.';

/** The apiVersion/kind/metadata header every kind starts with. */
export function kindHeader(): Record<string, Prop> {
  return {
    apiVersion: ['string', API_VERSION_DOC],
    kind: ['string', KIND_DOC],
    metadata: ['ObjectMeta', "Standard object's metadata."],
  };
}

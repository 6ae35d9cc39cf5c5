// What a controller last wrote, laid over its informer cache until the watch catches up, as
// upstream's PV controller updates its own stores after each write. Without it a second sync that
// runs before the watch event arrives would act on the object as it was before the write (and,
// for example, offer a volume just bound to one claim to the next).
import type * as k8s from '@kubernetes/client-node';

/** resourceVersions are opaque, but the reference's and etcd's are integers: newer is larger. */
function newer(a: k8s.KubernetesObject, b: k8s.KubernetesObject): boolean {
  const x = a.metadata?.resourceVersion ?? '';
  const y = b.metadata?.resourceVersion ?? '';
  if (/^\d+$/.test(x) && /^\d+$/.test(y)) return BigInt(x) > BigInt(y);
  return x !== y;
}

export class WrittenOverlay<T extends k8s.KubernetesObject> {
  private readonly written = new Map<string, T>();

  constructor(private readonly keyOf: (obj: T) => string) {}

  /** Remembers an object the API answered a write with. */
  wrote(obj: T): T {
    this.written.set(this.keyOf(obj), obj);
    return obj;
  }

  /** The object was deleted: forget what we wrote. */
  forget(key: string): void {
    this.written.delete(key);
  }

  /** The fresher of the cached object and the one we wrote. */
  pick(key: string, cached: T | undefined): T | undefined {
    const mine = this.written.get(key);
    if (!mine) return cached;
    if (!cached || newer(mine, cached)) return mine;
    this.written.delete(key); // the watch has caught up
    return cached;
  }

  /** Every cached object, each replaced by what we wrote where that is fresher. */
  all(cached: readonly T[]): T[] {
    const seen = new Set<string>();
    const out = cached.map((obj) => {
      seen.add(this.keyOf(obj));
      return this.pick(this.keyOf(obj), obj)!;
    });
    for (const [key, obj] of this.written) if (!seen.has(key)) out.push(obj);
    return out;
  }
}

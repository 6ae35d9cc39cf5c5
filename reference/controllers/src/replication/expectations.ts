// ControllerExpectations (pkg/controller/controller_utils.go): what a controller has asked the
// apiserver to create and delete and not yet seen in its informer. While creations or deletions
// are outstanding the controller does not act again on that owner, so a lagging watch never makes
// it create twice; an expectation older than the TTL is dropped (a watch event may be lost).

export const EXPECTATIONS_TTL_MS = 5 * 60_000;

interface Expectation {
  add: number;
  del: number;
  /** Pod keys whose deletion was asked for and not yet seen (UIDTrackingControllerExpectations). */
  deleting: Set<string>;
  at: number;
}

export class Expectations {
  private readonly byOwner = new Map<string, Expectation>();

  constructor(private readonly clock: () => number = Date.now) {}

  /** True when nothing is outstanding for `owner`, or what is outstanding has expired. */
  satisfied(owner: string): boolean {
    const e = this.byOwner.get(owner);
    if (!e) return true;
    if (e.add <= 0 && e.del <= 0) return true;
    return this.clock() - e.at > EXPECTATIONS_TTL_MS;
  }

  /** Sets (replaces) what `owner` now waits for: `adds` creations and the deletion of `deleting`. */
  expect(owner: string, adds: number, deleting: string[] = []): void {
    this.byOwner.set(owner, {
      add: adds,
      del: deleting.length,
      deleting: new Set(deleting),
      at: this.clock(),
    });
  }

  creationObserved(owner: string): void {
    const e = this.byOwner.get(owner);
    if (e) e.add -= 1;
  }

  /** A pod of `owner` is gone (or its deletion failed); counts only pods we asked to delete. */
  deletionObserved(owner: string, podKey: string): void {
    const e = this.byOwner.get(owner);
    if (e?.deleting.delete(podKey)) e.del -= 1;
  }

  delete(owner: string): void {
    this.byOwner.delete(owner);
  }

  /** For tests and logs: what is outstanding. */
  pending(owner: string): { add: number; del: number } | undefined {
    const e = this.byOwner.get(owner);
    return e ? { add: e.add, del: e.del } : undefined;
  }
}

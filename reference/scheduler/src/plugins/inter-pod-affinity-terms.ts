// Pod affinity terms as upstream's scheduler reads them (framework.AffinityTerm, NewPodInfo): a
// compiled label selector, the namespaces the term applies to, the node label that defines a
// topology domain, and for preferred terms a weight. Parsed once per pod object (informer objects
// are never mutated) and kept in a WeakMap.
import type * as k8s from '@kubernetes/client-node';

export type Labels = Readonly<Record<string, string>>;
/** A compiled label selector. */
export type LabelMatcher = (labels: Labels) => boolean;

const NOTHING: LabelMatcher = () => false;
const EVERYTHING: LabelMatcher = () => true;

/**
 * upstream's metav1.LabelSelectorAsSelector: a nil selector selects nothing, an empty one
 * everything; matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist) are ANDed. NotIn
 * and DoesNotExist hold for a missing key. An unknown operator (rejected by validation) selects
 * nothing.
 */
export function compileSelector(selector: k8s.V1LabelSelector | undefined | null): LabelMatcher {
  if (!selector) return NOTHING;
  const checks: LabelMatcher[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    checks.push((labels) => labels[key] === value);
  }
  for (const req of selector.matchExpressions ?? []) {
    const values = new Set(req.values ?? []);
    const key = req.key;
    switch (req.operator) {
      case 'In':
        checks.push((labels) => Object.hasOwn(labels, key) && values.has(labels[key]!));
        break;
      case 'NotIn':
        checks.push((labels) => !Object.hasOwn(labels, key) || !values.has(labels[key]!));
        break;
      case 'Exists':
        checks.push((labels) => Object.hasOwn(labels, key));
        break;
      case 'DoesNotExist':
        checks.push((labels) => !Object.hasOwn(labels, key));
        break;
      default:
        return NOTHING;
    }
  }
  if (checks.length === 0) return EVERYTHING;
  return (labels) => checks.every((check) => check(labels));
}

export interface AffinityTerm {
  /** The namespaces named by the term; the owning pod's own when it names none and has no selector. */
  namespaces: ReadonlySet<string>;
  /** The namespaces selected by labels; NOTHING when the term has no namespaceSelector. */
  namespaceSelector: LabelMatcher;
  /** Whether the term has a namespaceSelector at all (only then are namespace labels looked up). */
  hasNamespaceSelector: boolean;
  selector: LabelMatcher;
  topologyKey: string;
}

export interface WeightedAffinityTerm extends AffinityTerm {
  weight: number;
}

/** The four kinds of pod affinity terms of one pod. */
export interface PodAffinityTerms {
  requiredAffinity: AffinityTerm[];
  requiredAntiAffinity: AffinityTerm[];
  preferredAffinity: WeightedAffinityTerm[];
  preferredAntiAffinity: WeightedAffinityTerm[];
}

/** upstream's newAffinityTerm with getNamespacesFromPodAffinityTerm. */
export function parseTerm(pod: k8s.V1Pod, term: k8s.V1PodAffinityTerm): AffinityTerm {
  const named = term.namespaces ?? [];
  const hasNamespaceSelector = term.namespaceSelector !== undefined && term.namespaceSelector !== null;
  const namespaces = new Set<string>(
    named.length === 0 && !hasNamespaceSelector ? [pod.metadata?.namespace ?? 'default'] : named,
  );
  return {
    namespaces,
    namespaceSelector: compileSelector(term.namespaceSelector),
    hasNamespaceSelector,
    selector: compileSelector(term.labelSelector),
    topologyKey: term.topologyKey,
  };
}

const parseWeighted = (pod: k8s.V1Pod, term: k8s.V1WeightedPodAffinityTerm): WeightedAffinityTerm => ({
  ...parseTerm(pod, term.podAffinityTerm),
  weight: term.weight,
});

const EMPTY: PodAffinityTerms = Object.freeze({
  requiredAffinity: [],
  requiredAntiAffinity: [],
  preferredAffinity: [],
  preferredAntiAffinity: [],
}) as PodAffinityTerms;

const parsed = new WeakMap<k8s.V1Pod, PodAffinityTerms>();

/** The pod's affinity terms, parsed once per pod object. */
export function affinityTerms(pod: k8s.V1Pod): PodAffinityTerms {
  const affinity = pod.spec?.affinity;
  if (!affinity?.podAffinity && !affinity?.podAntiAffinity) return EMPTY;
  let terms = parsed.get(pod);
  if (!terms) {
    const pa = affinity.podAffinity;
    const anti = affinity.podAntiAffinity;
    terms = {
      requiredAffinity: (pa?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) =>
        parseTerm(pod, t),
      ),
      requiredAntiAffinity: (anti?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) =>
        parseTerm(pod, t),
      ),
      preferredAffinity: (pa?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((t) =>
        parseWeighted(pod, t),
      ),
      preferredAntiAffinity: (anti?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((t) =>
        parseWeighted(pod, t),
      ),
    };
    parsed.set(pod, terms);
  }
  return terms;
}

/** upstream's podWithAffinity: any pod affinity or anti-affinity, required or preferred. */
export const hasPodAffinity = (pod: k8s.V1Pod): boolean =>
  !!(pod.spec?.affinity?.podAffinity || pod.spec?.affinity?.podAntiAffinity);

export const hasRequiredAntiAffinity = (pod: k8s.V1Pod): boolean =>
  (pod.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length ?? 0) > 0;

/**
 * upstream's AffinityTerm.Matches: the pod is in one of the term's namespaces (or its namespace's
 * labels, `namespaceLabels`, match the term's namespaceSelector) and its labels match the selector.
 */
export function termMatches(term: AffinityTerm, pod: k8s.V1Pod, namespaceLabels: Labels = {}): boolean {
  const namespace = pod.metadata?.namespace ?? 'default';
  const inNamespace =
    term.namespaces.has(namespace) || (term.hasNamespaceSelector && term.namespaceSelector(namespaceLabels));
  return inNamespace && term.selector(pod.metadata?.labels ?? {});
}

/** upstream's podMatchesAllAffinityTerms: false for no terms. */
export function matchesAllTerms(terms: readonly AffinityTerm[], pod: k8s.V1Pod): boolean {
  if (terms.length === 0) return false;
  return terms.every((t) => termMatches(t, pod));
}

/**
 * upstream's mergeAffinityTermNamespacesIfNotEmpty, for the incoming pod's own terms: the
 * namespaces its namespaceSelector selects now are added to the term's namespaces, and the
 * selector is dropped, so matching existing pods needs no namespace lookups.
 */
export function resolveNamespaces<T extends AffinityTerm>(
  term: T,
  namespaces: ReadonlyMap<string, Labels>,
): T {
  if (!term.hasNamespaceSelector) return term;
  const merged = new Set(term.namespaces);
  for (const [name, labels] of namespaces) if (term.namespaceSelector(labels)) merged.add(name);
  return { ...term, namespaces: merged, namespaceSelector: NOTHING, hasNamespaceSelector: false };
}

/** A topology domain (topologyKey, value) as one map key; NUL appears in no label key or value. */
export const topologyPair = (key: string, value: string): string => `${key}\u0000${value}`;

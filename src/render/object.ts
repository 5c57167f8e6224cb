import type { GroupVersionKind } from 'cdk8s';

/** Metadata of a rendered object: always an explicit name, never a construct-path hash. */
export interface ObjectMeta {
  readonly name: string;
  readonly namespace: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

/** A rendered Kubernetes object, as written to a file (the fields beyond metadata are Istio's). */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta & { readonly namespace?: string };
  readonly [field: string]: unknown;
}

/**
 * How one Istio kind is written: its apiVersion and kind, and the generated function that
 * turns a spec into its JSON shape (the schema's field names, e.g. `consecutive5xxErrors`).
 */
export interface KindRenderer<S> {
  readonly gvk: GroupVersionKind;
  readonly specToJson: (spec: S) => Record<string, unknown> | undefined;
}

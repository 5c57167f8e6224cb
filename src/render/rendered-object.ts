import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import type { KindRenderer, Manifest, ObjectMeta } from './object';

/**
 * An API object whose content is a planned spec, rendered the way the generated Istio classes
 * render it (cdk8s resolves, drops empty values and sorts keys, then the generated function
 * maps the spec to the schema's field names) but without cdk8s's token resolution: planned
 * specs are plain data. Every synth path (cdk8s's and this library's writers) calls this one
 * `toJson`. Metadata goes through cdk8s, so labels or annotations added with
 * `ApiObject.of(o).metadata` appear, and JSON patches are applied as cdk8s applies them.
 */
export class RenderedApiObject<S> extends ApiObject {
  private readonly ownPatches: JsonPatch[] = [];

  constructor(scope: Construct, id: string, meta: ObjectMeta, private readonly renderer: KindRenderer<S>, private readonly spec: S) {
    super(scope, id, { ...renderer.gvk, metadata: meta });
  }

  public override addJsonPatch(...ops: JsonPatch[]): void {
    this.ownPatches.push(...ops);
  }

  public override toJson(): Manifest {
    const json = { ...this.renderer.gvk, metadata: this.metadata.toJson(), spec: this.renderer.specToJson(sortedPlain(this.spec) as S) };
    return (this.ownPatches.length > 0 ? JsonPatch.apply(json, ...this.ownPatches) : json) as Manifest;
  }
}

/** A Kubernetes Secret with TLS material (keys sorted as cdk8s writes them). */
export class SecretObject extends ApiObject {
  constructor(scope: Construct, id: string, meta: ObjectMeta, private readonly secret: { type: string; data: Record<string, string> }) {
    super(scope, id, { apiVersion: 'v1', kind: 'Secret', metadata: meta });
  }

  public override toJson(): Manifest {
    const body = sortedPlain({ data: this.secret.data, type: this.secret.type }) as object;
    return { apiVersion: 'v1', kind: 'Secret', metadata: this.metadata.toJson(), ...body };
  }
}

/**
 * A copy of plain data without null or undefined values and with object keys sorted by code
 * unit: what cdk8s's rendering does to an object's props before the generated mapping.
 */
export function sortedPlain(value: unknown): unknown {
  if (value === null || value === undefined || typeof value !== 'object') return value ?? undefined;
  if (Array.isArray(value)) return value.map(sortedPlain);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = sortedPlain((value as Record<string, unknown>)[key]);
    if (v !== undefined && v !== null) out[key] = v;
  }
  return out;
}

/**
 * A cluster's Istio objects (networking.istio.io and security.istio.io), with each object's
 * kind read once. The readers of the model each want one or a few kinds; filtering the whole
 * tree once per reader touched every object about ten times, and reading a property of objects
 * scattered over a large heap (as synthesized) is what the model spent most of its time on.
 */
const isIstio = (o: any) => typeof o?.apiVersion === 'string' && /^(networking|security)\.istio\.io\//.test(o.apiVersion);

export class IstioObjects {
  private readonly objects: any[] = [];
  /** The `kind` of each object, by position. */
  private readonly kinds: unknown[] = [];

  constructor(objects: readonly any[]) {
    for (const o of objects) {
      if (!isIstio(o)) continue;
      this.objects.push(o);
      this.kinds.push(o.kind);
    }
  }

  /** The objects of these kinds, in the order they were given. */
  ofKinds(...kinds: string[]): any[] {
    return this.objects.filter((_, i) => kinds.includes(this.kinds[i] as string));
  }
}

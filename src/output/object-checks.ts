/**
 * Checks on each object as it will be written, whatever produced it (an intent, a workload
 * chart, `checkManifests: false`): its size, and that no PEM private key ends up in it outside
 * a Secret made by TlsCredential.fromPem (whose data is base64 and so never matches here).
 */
import { containsPrivateKey, pathKey } from '../problems';
import { recordedJson, wholeJson } from '../render/object-json';

/**
 * Largest object written, in bytes of JSON (what the API server stores). etcd's default
 * request limit is 1.5 MiB per value, and the API server adds managedFields and status to what
 * is applied; 1 MiB leaves room for both. (Client-side `kubectl apply` also copies the object
 * into an annotation, which limits it to 256 KiB: use server-side apply for large objects.)
 */
export const MAX_OBJECT_BYTES = 1_048_576;

const ANNOTATION_FIELDS: Record<string, string> = {
  'traffic.intents.cdk8s.io/description': 'description',
  'traffic.intents.cdk8s.io/userdata1': 'userData.userdata1',
  'traffic.intents.cdk8s.io/userdata2': 'userData.userdata2',
};

/** `Kind namespace/name`, for messages. */
export function objectLabel(obj: any): string {
  return `${obj?.kind} ${obj?.metadata?.namespace ? `${obj.metadata.namespace}/` : ''}${obj?.metadata?.name}`;
}

/**
 * Problems of one object, each `<field>: <message>` (the field of the intent that caused it,
 * when known) or a message without a field. `where` is e.g. `cluster cluster02`.
 */
export function objectProblems(obj: any, where: string): string[] {
  const problems: string[] = [];
  const recorded = recordedJson(obj);
  const json = recorded ? wholeJson(recorded) : JSON.stringify(obj);
  const bytes = Buffer.byteLength(json);
  if (bytes > MAX_OBJECT_BYTES) {
    problems.push(`object ${objectLabel(obj)} (${where}) is ${bytes} bytes, over the ${MAX_OBJECT_BYTES}-byte limit per object `
      + `(Kubernetes stores at most about 1.5 MiB); its largest part is ${largestPart(obj)}`);
  }
  if (containsPrivateKey(json)) {
    for (const at of privateKeyPaths(obj, '')) {
      const annotation = /^\.metadata\.annotations\["(.*)"\]$/.exec(at)?.[1];
      const field = annotation !== undefined ? ANNOTATION_FIELDS[annotation] : undefined;
      const text = `holds a PEM private key (redacted), which would be written into ${objectLabel(obj)} (${where}) at ${at.slice(1)}; `
        + 'private keys go only into Secrets, through TlsCredential.fromPem';
      problems.push(field ? `${field}: ${text}` : text);
    }
  }
  return problems;
}

function largestPart(obj: any): string {
  const parts: Array<[string, unknown]> = [
    ...Object.entries(obj?.spec ?? {}).map(([k, v]) => [`spec.${k}`, v] as [string, unknown]),
    ...Object.entries(obj?.data ?? {}).map(([k, v]) => [`data.${k}`, v] as [string, unknown]),
    ['metadata.annotations', obj?.metadata?.annotations],
    ['metadata.labels', obj?.metadata?.labels],
  ];
  const sized = parts.map(([name, v]) => ({ name, v, size: v === undefined ? 0 : Buffer.byteLength(JSON.stringify(v)) }));
  const top = sized.sort((a, b) => b.size - a.size)[0];
  const count = Array.isArray(top.v) ? ` (${top.v.length} entries)` : '';
  return `${top.name}${count}, ${top.size} bytes`;
}

/** JSON paths (`.spec.x[0]`) of every string or key holding a private key. */
function privateKeyPaths(value: unknown, at: string): string[] {
  if (typeof value === 'string') return containsPrivateKey(value) ? [at] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => privateKeyPaths(v, `${at}[${i}]`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const step = pathKey(k, at === ".metadata.annotations" || at === ".metadata.labels");
    return containsPrivateKey(k) ? [`${at}${pathKey(k)}`] : privateKeyPaths(v, `${at}${step}`);
  });
}

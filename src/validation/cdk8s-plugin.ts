/**
 * A cdk8s-cli validation plugin (`validations:` in cdk8s.yaml) that runs this library's manifest
 * validator and cross-object analyzer on every manifest `cdk8s synth` wrote, so objects written
 * by hand or by other charts get the same checks as the ones the library renders.
 *
 * It needs nothing from cdk8s-cli at run time: the types below are the parts of cdk8s-cli's
 * plugin interface (`cdk8s-cli/plugins`) it uses, so cdk8s-cli stays out of the dependencies.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { analyzeCluster, Finding, formatFinding } from './analyzer';
import { formatViolation, ManifestViolation, validateManifest } from './manifest-validator';

/** A resource named in a violation (cdk8s-cli's `ValidationViolatingResource`). */
export interface PluginViolatingResource {
  readonly resourceName: string;
  readonly locations: readonly string[];
  readonly manifestPath: string;
}

/** One violation in the report (cdk8s-cli's `ValidationViolation`). */
export interface PluginViolation {
  readonly ruleName: string;
  readonly recommendation: string;
  readonly fix: string;
  readonly violatingResources: readonly PluginViolatingResource[];
}

/** What `validate` uses of cdk8s-cli's `ValidationContext`. */
export interface PluginValidationContext {
  /** Paths of the synthesized manifests. */
  readonly manifests: readonly string[];
  readonly report: {
    addViolation(violation: PluginViolation): void;
    submit(status: 'success' | 'failure', metadata?: { readonly [key: string]: string }): void;
  };
}

/** `properties:` of the plugin's entry in cdk8s.yaml. */
export interface IstioIntentsValidationProps {
  /**
   * Hosts of services that exist in the clusters without a Kubernetes Service among the
   * manifests (deployed by other tools). `*.example.org` accepts every host under a suffix.
   * Services in the same directory, and services this library rendered DestinationRules for,
   * are known without being listed.
   * @default - none
   */
  readonly serviceHosts?: readonly string[];
  /**
   * Run the cross-object analysis (VirtualService destinations, gateway hosts, mTLS for
   * identity rules, ...) per directory; false runs the schema and CEL checks only.
   * @default true
   */
  readonly analyze?: boolean;
}

const PROPS = ['serviceHosts', 'analyze'];
const RULE_PREFIX = 'cdk8s-istio-intents';
const MANAGED_BY = 'app.kubernetes.io/managed-by';

interface Parsed {
  readonly file: string;
  readonly objects: any[];
}

/**
 * Validates the synthesized manifests: every object against the vendored Istio CRD schemas
 * and CEL rules (and DNS-1123 names, label limits), and each directory — one cluster, as
 * `MeshApp` writes them — with the cross-object analyzer. Fails the synth (cdk8s exits with
 * status 2) on any error.
 */
export class IstioIntentsValidation {
  private readonly serviceHosts: readonly string[];
  private readonly analyze: boolean;

  constructor(props: IstioIntentsValidationProps = {}) {
    const problems = checkProps(props ?? {});
    if (problems.length > 0) throw new Error(`cdk8s-istio-intents validation plugin: ${problems.join('; ')}`);
    this.serviceHosts = props?.serviceHosts ?? [];
    this.analyze = props?.analyze ?? true;
  }

  public async validate(context: PluginValidationContext): Promise<void> {
    const parsed = [...context.manifests].sort(compare).map(parseFile);
    const violations = parsed.flatMap((p) => p.errors);
    for (const p of parsed) for (const obj of p.objects) violations.push(...schemaViolations(p.file, obj));
    if (this.analyze) {
      for (const [dir, files] of groupByDirectory(parsed)) violations.push(...this.analyzeDirectory(dir, files));
    }
    for (const v of violations) context.report.addViolation(v);
    const errors = violations.filter((v) => !v.ruleName.endsWith('(warning)')).length;
    context.report.submit(errors > 0 ? 'failure' : 'success', {
      manifests: String(context.manifests.length),
      errors: String(errors),
    });
  }

  private analyzeDirectory(dir: string, files: readonly Parsed[]): PluginViolation[] {
    const objects = files.flatMap((f) => f.objects);
    const fileOf = new Map<string, string>();
    for (const f of files) for (const o of f.objects) fileOf.set(objectId(o), f.file);
    const known = knownHosts(objects);
    const serviceHosts = new HostSet([...known, ...this.serviceHosts]);
    return analyzeCluster({ objects, serviceHosts }).map((f) => findingViolation(f, fileOf.get(f.object) ?? dir));
  }
}

function checkProps(props: IstioIntentsValidationProps): string[] {
  const problems: string[] = [];
  if (typeof props !== 'object' || Array.isArray(props)) return [`properties: ${JSON.stringify(props)} is not a map`];
  for (const key of Object.keys(props)) {
    if (!PROPS.includes(key)) problems.push(`properties.${key} is not a known property (known: ${PROPS.join(', ')})`);
  }
  const hosts = props.serviceHosts;
  if (hosts !== undefined && (!Array.isArray(hosts) || hosts.some((h) => typeof h !== 'string' || h === ''))) {
    problems.push(`properties.serviceHosts: ${JSON.stringify(hosts)} is not a list of host names`);
  }
  if (props.analyze !== undefined && typeof props.analyze !== 'boolean') {
    problems.push(`properties.analyze: ${JSON.stringify(props.analyze)} is not true or false`);
  }
  return problems;
}

/** The Kubernetes objects of one file; YAML errors become violations. */
function parseFile(file: string): Parsed & { errors: PluginViolation[] } {
  const errors: PluginViolation[] = [];
  const objects: any[] = [];
  parseAllDocuments(fs.readFileSync(file, 'utf8')).forEach((doc, i) => {
    if (doc.errors.length > 0) {
      errors.push({
        ruleName: `${RULE_PREFIX}/yaml`,
        recommendation: `document ${i + 1} is not valid YAML: ${doc.errors[0].message}`,
        fix: 'Write one YAML document per object, each starting with "---".',
        violatingResources: [{ resourceName: `document ${i + 1}`, locations: [], manifestPath: file }],
      });
      return;
    }
    const obj = doc.toJS();
    if (isKubernetesObject(obj)) objects.push(obj);
  });
  return { file, objects, errors };
}

/** Empty documents and kustomize's own files (kustomization.yaml) are not cluster objects. */
function isKubernetesObject(obj: any): boolean {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return false;
  return !String(obj.apiVersion ?? '').startsWith('kustomize.config.k8s.io/');
}

function schemaViolations(file: string, obj: any): PluginViolation[] {
  return validateManifest(obj).map((v: ManifestViolation) => ({
    ruleName: `${RULE_PREFIX}/${String(obj.apiVersion ?? '').includes('istio.io') ? 'istio-schema' : 'kubernetes-names'}`,
    recommendation: formatViolation(v),
    fix: v.path === '/metadata/namespace' && obj.metadata?.namespace === undefined
      ? 'Give the object an explicit namespace (metadata.namespace, or the namespace prop of its Chart): Istio policies apply per namespace.'
      : 'Change the field to what the message allows (Istio 1.30 CRD schema and CEL rules, DNS-1123 names, Kubernetes label limits).',
    violatingResources: [{ resourceName: String(obj.metadata?.name ?? ''), locations: [v.path || '/'], manifestPath: file }],
  }));
}

function findingViolation(f: Finding, file: string): PluginViolation {
  return {
    ruleName: `${RULE_PREFIX}/${f.code}${f.severity === 'warning' ? ' (warning)' : ''}`,
    recommendation: formatFinding(f),
    fix: 'Add the object it refers to in the same cluster directory, correct the reference, '
      + 'or list hosts of services deployed elsewhere in the plugin\'s serviceHosts property.',
    violatingResources: [{ resourceName: f.object.split('/').pop() ?? f.object, locations: [], manifestPath: file }],
  };
}

function groupByDirectory(parsed: readonly Parsed[]): Map<string, Parsed[]> {
  const out = new Map<string, Parsed[]>();
  for (const p of parsed) out.set(path.dirname(p.file), [...(out.get(path.dirname(p.file)) ?? []), p]);
  return out;
}

/**
 * Hosts that exist in a directory's cluster: its Kubernetes Services, and the hosts this
 * library rendered DestinationRules for (it checked them against its model at synth).
 */
function knownHosts(objects: readonly any[]): string[] {
  const services = objects.filter((o) => o.apiVersion === 'v1' && o.kind === 'Service' && typeof o.metadata?.name === 'string')
    .map((o) => `${o.metadata.name}.${o.metadata.namespace ?? 'default'}.svc.cluster.local`);
  const rendered = objects.filter((o) => o.kind === 'DestinationRule' && o.metadata?.labels?.[MANAGED_BY] === 'cdk8s-istio-intents')
    .map((o) => o.spec?.host).filter((h): h is string => typeof h === 'string');
  return [...services, ...rendered];
}

/** A set of hosts where `*.suffix` entries accept every host under the suffix. */
class HostSet extends Set<string> {
  private readonly suffixes: string[];

  constructor(hosts: readonly string[]) {
    super(hosts.filter((h) => !h.startsWith('*.')));
    this.suffixes = hosts.filter((h) => h.startsWith('*.')).map((h) => h.slice(1));
  }

  public override has(host: string): boolean {
    return super.has(host) || this.suffixes.some((s) => host.endsWith(s));
  }
}

function objectId(o: any): string {
  return `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

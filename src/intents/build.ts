/**
 * Turns a loaded bundle into the same constructs a TypeScript app declares (Mesh,
 * InboundService, ServiceClient, ServiceAccessPolicy): the bundle is a front end to the
 * constructs, not a second generator. Construct errors are translated back to bundle
 * locations (file, document, JSON path).
 */
import { App } from 'cdk8s';
import type { Mesh } from '../mesh';
import { ClusterManifests, synthClusters } from '../mesh-app';
import { BundleBuilder } from './bundle-builder';
import { BundleError, LoadedBundle } from './load';
import { byLocation, translateProblem } from './translate';

/** The constructs built from a bundle, and how to report their errors in bundle terms. */
export class BundleApp {
  private readonly built: BundleBuilder;
  private readonly problems: string[];

  constructor(public readonly app: App, bundle: LoadedBundle) {
    this.problems = [...bundle.problems];
    this.built = new BundleBuilder(app, bundle, this.problems);
    if (bundle.logicalCloud) this.built.build(bundle.logicalCloud);
  }

  /** The Mesh of the logical cloud (undefined when it could not be built). */
  public get mesh(): Mesh | undefined {
    return this.built.mesh;
  }

  /**
   * Synthesizes every cluster. Every problem is reported at once, as bundle locations: those
   * found while reading, while building, and the constructs' own checks at synth.
   */
  public synth(): ClusterManifests[] {
    const problems = [...this.problems];
    let clusters: ClusterManifests[] = [];
    if (this.mesh) {
      try {
        clusters = synthClusters(this.app);
      } catch (e) {
        const message = (e as Error).message;
        if (!/^(Validation|Synthesis) failed with the following errors:/.test(message)) throw e;
        problems.push(...message.split('\n').slice(1).map((line) => translateProblem(this.built, line.trim())));
      }
    }
    if (problems.length > 0) throw new BundleError(byLocation(problems));
    return clusters;
  }
}

/** Builds the constructs of a bundle into a new App. Throws BundleError with every problem. */
export function buildBundle(bundle: LoadedBundle, app: App = new App()): BundleApp {
  return new BundleApp(app, bundle);
}

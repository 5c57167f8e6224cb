/**
 * The benchmark's generated mesh, small: the TypeScript API and the equivalent intent bundle
 * write the same bytes, every object passes the validator, and the whole output is pinned (a
 * digest per cluster in the snapshot), so a speed change can never change what is written.
 */
import { createHash } from 'node:crypto';
import { App } from 'cdk8s';
import { synthClusters, withWarningSink } from '../src';
import { buildBundle } from '../src/intents/build';
import { loadBundleTexts } from '../src/intents/load';
import { manifestText } from '../src/output/manifests';
import { formatViolation, validateManifests } from '../src/validation/manifest-validator';
import { benchBundle, defineBenchMesh } from '../bench/generate';

const SPEC = { services: 40, clusters: 20, clientsPerService: 4 };

function texts(clusters: ReturnType<typeof synthClusters>): Record<string, string> {
  return Object.fromEntries(clusters.flatMap((c) => [...c.files].map(([f, o]) => [`${c.cluster}/${f}`, manifestText(o)])));
}

test('the generated mesh: TypeScript and bundle write the same bytes, all valid, pinned by digest', () => {
  const viaApi = withWarningSink(() => undefined, () => {
    const app = new App();
    defineBenchMesh(app, SPEC);
    return synthClusters(app);
  });
  const bundle = loadBundleTexts([{ file: 'bench.json', text: JSON.stringify(benchBundle(SPEC)) }]);
  const viaBundle = withWarningSink(() => undefined, () => buildBundle(bundle).synth());
  expect(texts(viaBundle)).toEqual(texts(viaApi));
  const objects = viaApi.flatMap((c) => [...c.files.values()]);
  expect(objects.length).toBeGreaterThan(400);
  expect(validateManifests(objects).map(formatViolation)).toEqual([]);
  const digests = Object.fromEntries(viaApi.map((c) => [c.cluster, createHash('sha256').update(Object.values(texts([c])).join('')).digest('hex').slice(0, 16)]));
  expect({ objects: objects.length, digests }).toMatchSnapshot();
});

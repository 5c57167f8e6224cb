import { App, Yaml } from 'cdk8s';
import * as fc from 'fast-check';
import { synthClusters, withWarningSink } from '../../src';
import { validateManifests } from '../../src/validation/manifest-validator';
import { buildMesh, meshSpec, runs } from './arbitraries';

const RUNS = runs(60);

function render(spec: Parameters<typeof buildMesh>[0]): { text: string; objects: any[] } {
  const app = new App();
  buildMesh(spec, app);
  // synthClusters runs every validation: intent checks, schemas + CEL, cross-object analysis.
  const clusters = withWarningSink(() => undefined, () => synthClusters(app)); // warnings have their own tests
  return {
    text: clusters.map((c) => [...c.files].map(([f, o]) => `# ${c.cluster}/${f}\n${Yaml.stringify(o)}`).join('')).join(''),
    objects: clusters.flatMap((c) => [...c.files.values()]),
  };
}

let ran = 0;
afterAll(() => {
  if (process.env.FUZZ_RUNS) console.log(`valid meshes: ${ran} random meshes synthesized, validated and compared`);
});

test(`random valid meshes synthesize, pass every check, and are deterministic (${RUNS} cases)`, () => {
  fc.assert(fc.property(meshSpec, (spec) => {
    ran++;
    const first = render(spec);
    const second = render(spec);
    expect(second.text).toBe(first.text);
    // Independently of the synth-time checks, every object passes the validator.
    expect(validateManifests(first.objects)).toEqual([]);
  }), { numRuns: RUNS, seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined });
  expect(ran).toBeGreaterThanOrEqual(RUNS);
});

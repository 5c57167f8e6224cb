import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { MeshApp } from '../../src';
import { buildMesh, mutatedMeshSpec, runs } from './arbitraries';

const RUNS = runs(300);
let ran = 0;
afterAll(() => {
  if (process.env.FUZZ_RUNS) console.log(`invalid meshes: ${ran} random mutations rejected with a clear error and no output`);
});

test(`random invalid mutations of valid meshes fail with a clear error and write nothing (${RUNS} cases)`, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'invalid-'));
  try {
    fc.assert(fc.property(mutatedMeshSpec, ({ spec, mutation }) => {
      ran++;
      let error: unknown;
      try {
        const app = new MeshApp({ outdir: dir });
        buildMesh(spec, app, mutation);
        app.synth();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(TypeError);
      const message = (error as Error).message;
      const [head, ...lines] = message.split('\n');
      expect(head).toBe('Validation failed with the following errors:');
      for (const line of lines) expect(line).toMatch(/^ {2}\[mesh(\/[a-z0-9-]+)*\] [A-Za-z0-9.[\]]+: \S/);
      // The error names the mutated field itself ("port", not just "targetPort" or "ports").
      const escaped = mutation.field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      expect(message).toMatch(new RegExp(`[\\] .]${escaped}(\\[\\d+\\])?: `));
      expect(fs.readdirSync(dir)).toEqual([]);
    }), { numRuns: RUNS, seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  expect(ran).toBeGreaterThanOrEqual(RUNS);
});

/**
 * Synth benchmarks (`npm run bench`). Speed is measured here, never asserted in tests.
 * - the example apps, in-process (median of repeated synths after a warm-up);
 * - a large mesh: 8 clusters, 60 services, 120 clients, all checks on;
 * - `npm run synth` end to end (process start, tsx, cdk8s-cli), median of 3.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { App } from 'cdk8s';
import { InboundService, LoadBalancer, Mesh, ServiceClient, synthClusters } from '../src';
import { APPS } from '../apps/registry';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(label: string, runs: number, fn: () => unknown): void {
  fn(); // warm-up: schema compilation, module loading
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    samples.push(performance.now() - t);
  }
  console.log(`${label.padEnd(52)} median ${median(samples).toFixed(1).padStart(8)} ms  (${runs} runs)`);
}

function largeMesh(): App {
  const app = new App();
  const clusters = Array.from({ length: 8 }, (_, i) => ({ name: `c${i}`, network: `n${i % 3}`, eastWestGateway: { address: `192.0.2.${i + 1}` } }));
  const mesh = new Mesh(app, 'mesh', { name: 'big', clusters });
  const services = Array.from({ length: 60 }, (_, i) => new InboundService(mesh.cluster(`c${i % 8}`), `svc${i}`, {
    namespace: `ns${i % 5}`, protocol: i % 3 === 0 ? 'TCP' : 'HTTP', port: 8000 + i,
    trafficPolicy: { loadBalancer: LoadBalancer.leastRequest(), outlierDetection: { consecutive5xxErrors: 5, interval: '10s' } },
    timeout: i % 3 === 0 ? undefined : '5s',
  }));
  for (let i = 0; i < 120; i++) {
    const client = new ServiceClient(mesh.cluster(`c${(i * 3) % 8}`), `client${i}`, { namespace: `ns${i % 4}` });
    for (let k = 0; k < 3; k++) client.connectTo(services[(i * 7 + k * 11) % services.length]);
  }
  return app;
}

console.log(`node ${process.version}, ${require('node:os').cpus().length} cores\n`);
for (const [name, define] of Object.entries(APPS)) {
  time(`example ${name} (build + synth + checks)`, 30, () => {
    const app = new App();
    define(app);
    synthClusters(app);
  });
}
let objects = 0;
time('8 clusters, 60 services, 120 clients', 5, () => {
  objects = synthClusters(largeMesh()).reduce((n, c) => n + c.files.size, 0);
});
console.log(`${''.padEnd(52)} (${objects} objects)`);

const root = path.join(__dirname, '..');
const wall: number[] = [];
for (let i = 0; i < 3; i++) {
  const t = performance.now();
  execFileSync('npm', ['run', '--silent', 'synth'], { cwd: root, stdio: 'ignore' });
  wall.push(performance.now() - t);
}
console.log(`${'npm run synth (all examples, end to end)'.padEnd(52)} median ${median(wall).toFixed(0).padStart(8)} ms  (3 runs)`);

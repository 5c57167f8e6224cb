import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DestinationRule, Gateway, ServiceEntry, VirtualService } from '../imports/networking.istio.io';
import { AuthorizationPolicy, PeerAuthentication } from '../imports/security.istio.io';

describe('generated Istio classes', () => {
  test('are pinned to the v1 API versions we emit', () => {
    expect(DestinationRule.GVK).toEqual({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule' });
    expect(ServiceEntry.GVK).toEqual({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry' });
    expect(Gateway.GVK).toEqual({ apiVersion: 'networking.istio.io/v1', kind: 'Gateway' });
    expect(VirtualService.GVK).toEqual({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService' });
    expect(AuthorizationPolicy.GVK).toEqual({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy' });
    expect(PeerAuthentication.GVK).toEqual({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication' });
  });

  test('imports/ is exactly what `npm run import` generates from the vendored CRDs (offline)', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'imports-'));
    try {
      execFileSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'import-istio.js'), '--out', out], { stdio: 'pipe' });
      const root = path.join(__dirname, '..', 'imports');
      const committed = fs.readdirSync(root).filter((f) => f !== 'validators').sort(); // compiled by the next test's script
      expect(fs.readdirSync(out).sort()).toEqual(committed);
      for (const f of committed) {
        expect(fs.readFileSync(path.join(out, f)).equals(fs.readFileSync(path.join(root, f)))).toBe(true);
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  test('imports/validators/ is exactly what `npm run validators` compiles from the CRD and bundle schemas', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'validators-'));
    try {
      execFileSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'compile-validators.js'), '--out', out], { stdio: 'pipe' });
      const root = path.join(__dirname, '..', 'imports', 'validators');
      const committed = fs.readdirSync(root).sort();
      expect(committed).toContain('intent-bundle.js');
      expect(committed).toContain('networking.istio.io_v1_DestinationRule.js');
      expect(fs.readdirSync(out).sort()).toEqual(committed);
      const stale = committed.filter((f) => !fs.readFileSync(path.join(out, f)).equals(fs.readFileSync(path.join(root, f))));
      expect({ stale, fix: 'npm run validators' }).toEqual({ stale: [], fix: 'npm run validators' });
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});

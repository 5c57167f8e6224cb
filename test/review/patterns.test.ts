import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cidrCovers, cidrsIntersect } from '../../src/review/cidr';
import { patternCovers, patternMatches, patternsIntersect } from '../../src/review/patterns';
import { ManifestTreeError, readManifestTree } from '../../src/review/tree';

describe('Istio match values', () => {
  test.each([
    ['/api/*', '/api/x', true], ['/api/*', '/api/v1/*', true], ['/api/*', '/apix', false], ['*', '/anything', true],
    ['*.html', '/a/index.html', true], ['*.html', '*.htm', false], ['/x', '/*', false], ['/a/{*}/b', '/a/1/b', true],
    ['/a/{**}', '/a/1/2', true], ['/a/{*}', '/a/1/2', false],
  ])('path %s covers %s: %s', (outer, inner, expected) => {
    expect(patternCovers(outer, inner, 'path')).toBe(expected);
  });

  test('hosts ignore case; methods do not; `*` matches only non-empty values', () => {
    expect(patternMatches('Web.Example.com', 'web.example.COM', 'host')).toBe(true);
    expect(patternMatches('GET', 'get', 'method')).toBe(false);
    expect(patternMatches('*', '', 'method')).toBe(false);
  });

  test('namespaces are globs with `*` anywhere (generator.go:179-186)', () => {
    expect(patternMatches('team-*-prod', 'team-a-prod', 'namespace')).toBe(true);
    expect(patternMatches('team-*-prod', 'team-a-dev', 'namespace')).toBe(false);
  });

  test('intersections: prefixes and suffixes', () => {
    expect(patternsIntersect('/a/*', '/a/b/*', 'path')).toBe(true);
    expect(patternsIntersect('/a/*', '/b/*', 'path')).toBe(false);
    expect(patternsIntersect('/a/*', '*.html', 'path')).toBe(true);
  });

  test('IP blocks by the addresses they hold (IPv4 and IPv6)', () => {
    expect(cidrCovers('10.0.0.0/8', '10.1.0.0/16')).toBe(true);
    expect(cidrCovers('10.1.0.0/16', '10.0.0.0/8')).toBe(false);
    expect(cidrCovers('203.0.113.0/24', '203.0.113.7')).toBe(true);
    expect(cidrCovers('2001:db8::/32', '2001:db8:1::/48')).toBe(true);
    expect(cidrsIntersect('10.0.0.0/8', '192.0.2.0/24')).toBe(false);
  });
});

describe('reading a tree of manifests', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tree-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('clusters are first-level directories; multi-document files; files of any kind are read', () => {
    fs.mkdirSync(path.join(dir, 'east', 'nested'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'east', 'nested', 'all.yaml'), 'kind: A\n---\nkind: B\n---\n# only a comment\n');
    fs.writeFileSync(path.join(dir, 'east', 'notes.txt'), 'not yaml');
    fs.writeFileSync(path.join(dir, 'connectivity.md'), '# not a cluster');
    expect(readManifestTree(dir)).toEqual([{ cluster: 'east', objects: [{ kind: 'A' }, { kind: 'B' }] }]);
  });

  test('YAML files directly in the directory: one cluster named after it', () => {
    const cluster = path.join(dir, 'west');
    fs.mkdirSync(cluster);
    fs.writeFileSync(path.join(cluster, 'a.yml'), 'kind: A\n');
    expect(readManifestTree(cluster)).toEqual([{ cluster: 'west', objects: [{ kind: 'A' }] }]);
  });

  test('a file is not a tree', () => {
    fs.writeFileSync(path.join(dir, 'a.yaml'), 'kind: A\n');
    expect(() => readManifestTree(path.join(dir, 'a.yaml'))).toThrow(ManifestTreeError);
  });
});

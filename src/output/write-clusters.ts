/** Writes synthesized clusters (objects) through the output writer, as YAML text. */
import { ClusterManifests } from './manifests';
import { currentTexts } from './text-prefetch';
import { WriteOptions, WriteReport, writeClusterTexts } from './writer';

/**
 * Writes synthesized clusters into `<outdir>/<cluster>/`: every cluster or nothing, only ever
 * replacing or removing files this tool wrote (see src/output/writer.ts). Call it only after
 * everything that will be written has been synthesized (and so validated). Large outputs are
 * turned into YAML on worker threads, byte for byte what one cdk8s `Yaml.stringify` per
 * object writes.
 */
export function writeClusters(outdir: string, clusters: readonly ClusterManifests[], options: WriteOptions = {}): WriteReport {
  const texts = currentTexts().texts(clusters.flatMap((c) => [...c.files.values()]));
  let next = 0;
  const files = clusters.map((c) => ({ cluster: c.cluster, files: new Map([...c.files.keys()].map((name) => [name, texts[next++]])) }));
  return writeClusterTexts(outdir, files, options);
}

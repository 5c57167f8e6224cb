/** Metadata of a rendered object: always an explicit name, never a construct-path hash. */
export interface ObjectMeta {
  readonly name: string;
  readonly namespace: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

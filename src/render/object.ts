import { Lazy } from 'cdk8s';

/** Metadata of a rendered object: always an explicit name, never a construct-path hash. */
export interface ObjectMeta {
  readonly name: string;
  readonly namespace: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

/**
 * Renders a spec at synth time, so that it sees every intent declared after the object was
 * created (a server's policy gathers clients added later, wherever they were declared).
 * Typed as the spec so the imported class's key mapping (e.g. `consecutive5XxErrors`) applies.
 */
export function lazySpec<T>(produce: () => T): T {
  return Lazy.any({ produce }) as unknown as T;
}

/** The changes an access diff reports (shared by the diff of callers and of gateways). */

export type ChangeKind =
  | 'caller-added' | 'caller-removed' | 'rule-widened' | 'rule-narrowed' | 'service-added' | 'service-removed'
  | 'mtls-weakened' | 'mtls-strengthened' | 'dry-run-on' | 'dry-run-off' | 'deny-removed' | 'deny-added' | 'deny-narrowed'
  | 'east-west-host-exposed' | 'east-west-host-removed' | 'east-west-callers-widened'
  | 'external-access-added' | 'external-access-removed' | 'external-tls-weakened' | 'external-clients-widened'
  | 'cannot-decide';

/** widened: more access than before; narrowed: less; undecided: the model cannot tell; info: neither. */
export type Effect = 'widened' | 'narrowed' | 'undecided' | 'info';

export interface AccessChange {
  readonly cluster: string;
  /** A service id, a gateway host, or a policy. */
  readonly subject: string;
  readonly kind: ChangeKind;
  readonly effect: Effect;
  readonly caller?: string;
  readonly before?: string;
  readonly after?: string;
}

export interface AccessDiff {
  readonly changes: readonly AccessChange[];
  readonly counts: Readonly<Record<Effect, number>>;
  /** Access widened, or a change the model cannot decide: what `--fail-on-widen` fails on. */
  readonly widened: boolean;
}

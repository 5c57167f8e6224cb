import type { App } from 'cdk8s';
import { failoverBookinfo } from './failover-bookinfo';
import { sleepHttpbin } from './sleep-httpbin';
import { statefulEdge } from './stateful-edge';
import { tcpEcho } from './tcp-echo';

/** Every example app: output directory name → definition. */
export const APPS: Record<string, (app: App) => unknown> = {
  'sleep-httpbin': sleepHttpbin,
  'tcp-echo': tcpEcho,
  'stateful-edge': statefulEdge,
  'failover-bookinfo': failoverBookinfo,
};

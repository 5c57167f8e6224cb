import type { App } from 'cdk8s';
import { sleepHttpbin } from './sleep-httpbin';

/** Every example app: output directory name → definition. */
export const APPS: Record<string, (app: App) => unknown> = {
  'sleep-httpbin': sleepHttpbin,
};

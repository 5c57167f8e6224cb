export * from './lib/src/validation/cdk8s-plugin';

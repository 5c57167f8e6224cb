/** The logical cloud most bundle tests start from: two clusters, httpbin in cluster02, sleep in cluster01. */
export const CLOUD = `
logicalCloud:
  name: lc1
  clusters:
    - { name: cluster01, eastWestGateway: { address: 192.0.2.10 } }
    - { name: cluster02, eastWestGateway: { address: 192.0.2.20 } }
placement: { httpbin: [cluster02], sleep: [cluster01] }
`;

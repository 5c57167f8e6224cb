/** Labels and annotations every rendered object carries, so each can be traced to its intent. */
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'cdk8s-istio-intents' } as const;
/** Label naming the inbound-service intent an object was rendered for. */
export const SERVICE_INTENT_LABEL = 'traffic.intents.cdk8s.io/service';
/** Prefix of annotations carrying the intent's description and user data. */
export const ANNOTATION_PREFIX = 'traffic.intents.cdk8s.io/';

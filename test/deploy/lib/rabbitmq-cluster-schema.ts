// The fields of the RabbitMQ Cluster Operator's RabbitmqCluster (rabbitmq.com/v1beta1) that
// deploy/k8s uses, with the types and limits of the operator's CRD. Strict (no unknown fields),
// so a misspelt field fails here rather than being pruned silently by the API server.
const quantity = { anyOf: [{ type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$' }, { type: 'integer' }] };
const resourceList = {
  type: 'object',
  additionalProperties: false,
  properties: { cpu: quantity, memory: quantity },
};

/** JSON Schema for the subset of RabbitmqCluster used by deploy/k8s. */
export const rabbitmqClusterSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'rabbitmq.com/v1beta1' },
    kind: { const: 'RabbitmqCluster' },
    metadata: {
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 52 },
        namespace: { type: 'string' },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
    spec: {
      type: 'object',
      additionalProperties: false,
      properties: {
        replicas: { type: 'integer', minimum: 0 },
        image: { type: 'string' },
        resources: {
          type: 'object',
          additionalProperties: false,
          properties: { requests: resourceList, limits: resourceList },
        },
        persistence: {
          type: 'object',
          additionalProperties: false,
          properties: { storage: quantity, storageClassName: { type: 'string' } },
        },
        rabbitmq: {
          type: 'object',
          additionalProperties: false,
          properties: {
            additionalPlugins: { type: 'array', maxItems: 100, items: { type: 'string', pattern: '^\\w+$' } },
            additionalConfig: { type: 'string', maxLength: 100000 },
          },
        },
        affinity: { type: 'object' },
      },
    },
  },
} as const;

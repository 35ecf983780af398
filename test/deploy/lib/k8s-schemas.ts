// Validates rendered manifests without a cluster: kubernetes-models (the OpenAPI schemas of the
// Kubernetes API and of the KEDA and Prometheus Operator CRDs) for types and required fields,
// @kubernetes/client-node's model metadata to reject unknown fields (a typo such as
// `readinesProbe` would otherwise pass: the API server only warns), and a minimal strict schema
// for RabbitmqCluster, whose CRD ships with no npm package.
import * as k8sClient from '@kubernetes/client-node';
import { ScaledObject, TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { PrometheusRule, ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Ajv } from 'ajv/dist/ajv.js';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';
import type { K8sObject } from './kustomize.ts';
import { rabbitmqClusterSchema } from './rabbitmq-cluster-schema.ts';

interface Validating {
  validate(): void;
}
type ModelClass = new (data: never) => Validating;

interface KindSchema {
  model?: ModelClass;
  /** The @kubernetes/client-node class name, for the unknown-field check. */
  clientType?: string;
}

const kinds: Record<string, KindSchema> = {
  'v1/ConfigMap': { model: ConfigMap, clientType: 'V1ConfigMap' },
  'v1/Secret': { model: Secret, clientType: 'V1Secret' },
  'v1/Service': { model: Service, clientType: 'V1Service' },
  'v1/Namespace': { model: Namespace, clientType: 'V1Namespace' },
  'apps/v1/Deployment': { model: Deployment, clientType: 'V1Deployment' },
  'autoscaling/v2/HorizontalPodAutoscaler': { model: HorizontalPodAutoscaler, clientType: 'V2HorizontalPodAutoscaler' },
  'policy/v1/PodDisruptionBudget': { model: PodDisruptionBudget, clientType: 'V1PodDisruptionBudget' },
  'keda.sh/v1alpha1/ScaledObject': { model: ScaledObject },
  'keda.sh/v1alpha1/TriggerAuthentication': { model: TriggerAuthentication },
  'monitoring.coreos.com/v1/ServiceMonitor': { model: ServiceMonitor },
  'monitoring.coreos.com/v1/PrometheusRule': { model: PrometheusRule },
  'rabbitmq.com/v1beta1/RabbitmqCluster': {},
};

const validateRabbitmqCluster = new Ajv({ allErrors: true }).compile(rabbitmqClusterSchema);

/** Every problem found in one object, as `path: message` lines; empty when it is valid. */
export function validateManifest(object: K8sObject): string[] {
  const key = `${object.apiVersion}/${object.kind}`;
  const schema = kinds[key];
  if (!schema) return [`${key}: no schema known for this kind`];
  if (key === 'rabbitmq.com/v1beta1/RabbitmqCluster') {
    const errors = validateRabbitmqCluster(object) ? [] : validateRabbitmqCluster.errors!.map((e) => `${e.instancePath}: ${e.message}`);
    // spec.affinity is the core Affinity type: check it like any pod field
    return [...errors, ...unknownFields((object.spec as { affinity?: unknown }).affinity, 'V1Affinity', '.spec.affinity')];
  }
  const errors: string[] = [];
  try {
    new schema.model!(object as never).validate();
  } catch (error) {
    errors.push((error as Error).message);
  }
  if (schema.clientType) errors.push(...unknownFields(object, schema.clientType, ''));
  return errors;
}

interface AttributeType {
  baseName: string;
  type: string;
}
type ClientModel = { getAttributeTypeMap?: () => AttributeType[] } | undefined;

/** Fields that the Kubernetes API type (as @kubernetes/client-node describes it) does not have. */
export function unknownFields(value: unknown, type: string, path: string): string[] {
  const element = /^Array<(.+)>$/.exec(type)?.[1];
  if (element) return Array.isArray(value) ? value.flatMap((v, i) => unknownFields(v, element, `${path}[${i}]`)) : [];
  const model = (k8sClient as unknown as Record<string, ClientModel>)[type];
  if (!model?.getAttributeTypeMap || typeof value !== 'object' || value === null) return [];
  const fields = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  return Object.entries(value).flatMap(([name, child]) => {
    const childType = fields.get(name);
    return childType === undefined ? [`${path}.${name}: unknown field of ${type}`] : unknownFields(child, childType, `${path}.${name}`);
  });
}

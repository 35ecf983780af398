// A small kustomize for the subset deploy/k8s uses, so the overlays render where neither
// kustomize nor kubectl is installed (Debian has no package for either). Anything outside the
// subset throws instead of rendering something different from the real tool; the committed
// renders in deploy/k8s/rendered/ were made by `kubectl kustomize` and the tests check that this
// renderer produces exactly the same objects.
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { applyPatch, type Operation } from 'rfc6902';
import { parse, parseAllDocuments } from 'yaml';

/** A Kubernetes object as parsed from YAML. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

interface Kustomization {
  resources?: string[];
  namespace?: string;
  labels?: { pairs: Record<string, string>; includeSelectors?: boolean; includeTemplates?: boolean }[];
  images?: { name: string; newName?: string; newTag?: string }[];
  patches?: { target: { kind: string; name: string }; patch?: string; path?: string }[];
}

const supportedKeys = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'labels', 'images', 'patches']);
const clusterScoped = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition']);

/** Renders the kustomization in `dir` (a directory holding kustomization.yaml). */
export function renderKustomization(dir: string): K8sObject[] {
  const kustomization = readKustomization(dir);
  const objects = (kustomization.resources ?? []).flatMap((entry) => loadResource(resolve(dir, entry)));
  for (const { target, patch, path } of kustomization.patches ?? []) {
    applyJsonPatch(objects, target, parse(patch ?? readFileSync(resolve(dir, path ?? ''), 'utf8')) as Operation[]);
  }
  for (const object of objects) {
    if (kustomization.namespace && !clusterScoped.has(object.kind)) object.metadata.namespace = kustomization.namespace;
    for (const { pairs } of kustomization.labels ?? []) object.metadata.labels = { ...object.metadata.labels, ...pairs };
    for (const image of kustomization.images ?? []) setImage(object, image);
  }
  return objects;
}

function readKustomization(dir: string): Kustomization {
  const raw = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Record<string, unknown>;
  const unsupported = Object.keys(raw).filter((key) => !supportedKeys.has(key));
  if (unsupported.length) throw new Error(`${dir}: kustomization fields not supported here: ${unsupported.join(', ')}`);
  const kustomization = raw as Kustomization;
  for (const label of kustomization.labels ?? []) {
    if (label.includeSelectors || label.includeTemplates) throw new Error(`${dir}: labels only on metadata are supported`);
  }
  return kustomization;
}

function loadResource(path: string): K8sObject[] {
  if (statSync(path).isDirectory()) return renderKustomization(path);
  return parseAllDocuments(readFileSync(path, 'utf8'))
    .map((doc) => {
      if (doc.errors.length) throw new Error(`${path}: ${doc.errors[0]!.message}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((object): object is K8sObject => object !== null);
}

function applyJsonPatch(objects: K8sObject[], target: { kind: string; name: string }, operations: Operation[]): void {
  const matches = objects.filter((o) => o.kind === target.kind && o.metadata.name === target.name);
  if (matches.length === 0) throw new Error(`patch target ${target.kind}/${target.name} not found`);
  for (const object of matches) {
    const failure = applyPatch(object, operations).find((result) => result !== null);
    if (failure) throw new Error(`patch on ${target.kind}/${target.name}: ${failure.name} ${failure.message}`);
  }
}

interface Container {
  image?: string;
}

/** kustomize `images`: matches the image name without tag or digest, in every pod template. */
function setImage(object: K8sObject, rule: { name: string; newName?: string; newTag?: string }): void {
  const pod = (object.spec as { template?: { spec?: { containers?: Container[]; initContainers?: Container[] } } } | undefined)
    ?.template?.spec;
  for (const container of [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])]) {
    const image = container.image ?? '';
    const [name = '', tag] = image.split(/:(?=[^/]*$)/);
    if (name !== rule.name) continue;
    container.image = `${rule.newName ?? name}${rule.newTag ? `:${rule.newTag}` : tag ? `:${tag}` : ''}`;
  }
}

/** Identity of an object in a render: kind, namespace and name. */
export function objectKey(object: K8sObject): string {
  return `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

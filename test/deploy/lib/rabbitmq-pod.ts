// A RabbitMQ pod for the podman deploy test, in place of the operator's RabbitmqCluster: Debian's
// rabbitmq-server on the local bookworm base (built like the app images, cached by a label), one
// node, configured with the cluster's own `additionalConfig` from the render (mounted from a
// ConfigMap into conf.d) plus `loopback_users = none`, so the test can reach it through a
// published port (guest is refused from anywhere but loopback otherwise).
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { K8sObject } from './kustomize.ts';
import { find } from './pods.ts';
import { PODMAN_DIR, type Podman } from './podman.ts';

export const RABBITMQ_IMAGE = 'localhost/mq-test-rabbitmq:dev';
const LABEL = 'mq.test.inputs';

const CONTAINERFILE = (base: string) => `FROM ${base}
RUN apt-get update \\
 && apt-get install --yes --no-install-recommends rabbitmq-server \\
 && rm -rf /var/lib/apt/lists/*
RUN printf 'loopback_users = none\\nlisteners.tcp.default = 5672\\n' > /etc/rabbitmq/rabbitmq.conf
USER rabbitmq
ENV RABBITMQ_NODENAME=rabbit@localhost
EXPOSE 5672
CMD ["/usr/lib/rabbitmq/bin/rabbitmq-server"]
`;

/** Builds the RabbitMQ image unless one of the same recipe and base exists. */
export async function ensureRabbitmqImage(podman: Podman, baseImageId: string, log: (line: string) => void): Promise<void> {
  const containerfile = CONTAINERFILE(baseImageId);
  const hash = createHash('sha256').update(containerfile).digest('hex').slice(0, 16);
  const existing = await podman.run(['image', 'inspect', '--format', `{{index .Labels "${LABEL}"}}`, RABBITMQ_IMAGE], { allowFailure: true });
  if (existing.code === 0 && existing.stdout.trim() === hash) return;
  log(`building ${RABBITMQ_IMAGE} (Debian's rabbitmq-server)`);
  const dir = join(PODMAN_DIR, 'rabbitmq-image');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Containerfile'), containerfile);
  await podman.run(['build', '--pull=never', '--network', 'host', '--label', `${LABEL}=${hash}`, '-t', RABBITMQ_IMAGE, dir], { timeoutMs: 900_000 });
}

/** The pod to play: `rabbitmq-<suffix>` (its DNS name on the pod network), AMQP published on 127.0.0.1:`hostPort`. */
export function rabbitmqPod(objects: K8sObject[], suffix: string, hostPort: number): { name: string; yaml: string } {
  const cluster = find(objects, 'RabbitmqCluster', 'rabbitmq') as K8sObject & {
    spec: { rabbitmq?: { additionalConfig?: string }; resources?: unknown };
  };
  const name = `rabbitmq-${suffix}`;
  const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${name}-conf` }, data: { '90-cluster.conf': cluster.spec.rabbitmq?.additionalConfig ?? '' } };
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      containers: [{
        name: 'rabbitmq',
        image: RABBITMQ_IMAGE,
        ports: [{ containerPort: 5672, hostPort, hostIP: '127.0.0.1' }],
        resources: cluster.spec.resources,
        volumeMounts: [{ name: `${name}-conf`, mountPath: '/etc/rabbitmq/conf.d', readOnly: true }],
      }],
      volumes: [{ name: `${name}-conf`, configMap: { name: `${name}-conf` } }],
    },
  };
  return { name, yaml: [configMap, pod].map((o) => stringify(o)).join('---\n') };
}

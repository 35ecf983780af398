// Writes the rendered local overlay adapted for `podman kube play` (test/deploy/lib/kube-play.ts
// says what changes and why), the way test/deploy/podman.int.test.ts plays it, and prints the
// podman commands to run it. Usage (after the images are built, see README "Deployment"):
//   node scripts/podman-pods.ts --amqp-url amqp://USER:PASS@HOST:5672 [--out .local/pods]
//     [--gateway-port 8080] [--consumer-port 8081] [--otlp-endpoint http://...]
// The pods have their own network namespace: HOST must be reachable from a container (a broker
// pod's name on the same podman network, or the host's address), not 127.0.0.1.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { adaptForKubePlay } from '../test/deploy/lib/kube-play.ts';
import type { K8sObject } from '../test/deploy/lib/kustomize.ts';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: '.local/pods' },
    'amqp-url': { type: 'string' },
    'gateway-port': { type: 'string', default: '8080' },
    'consumer-port': { type: 'string', default: '8081' },
    'otlp-endpoint': { type: 'string' },
  },
});

if (!values['amqp-url']) {
  console.error('usage: node scripts/podman-pods.ts --amqp-url amqp://USER:PASS@HOST:5672 [--out DIR] [--gateway-port N] [--consumer-port N] [--otlp-endpoint URL]');
  process.exit(2);
}
const root = resolve(import.meta.dirname, '..');
const rendered = parseAllDocuments(readFileSync(join(root, 'deploy/k8s/rendered/local.yaml'), 'utf8'))
  .map((doc) => doc.toJS() as K8sObject)
  .filter(Boolean);
const amqp = new URL(values['amqp-url']);
const plan = adaptForKubePlay(rendered, {
  suffix: 'local',
  ports: { gateway: Number(values['gateway-port']), consumer: Number(values['consumer-port']) },
  amqpUrl: values['amqp-url'],
  otlpEndpoint: values['otlp-endpoint'],
  // What the RabbitMQ operator would put in its Secret: the broker's user, from the URL.
  externalSecrets: { 'rabbitmq-default-user': { username: decodeURIComponent(amqp.username), password: decodeURIComponent(amqp.password) } },
});

const out = resolve(values.out);
mkdirSync(out, { recursive: true });
const commands: string[] = [];
for (const secret of plan.secrets) {
  writeFileSync(join(out, `${secret.name}.json`), secret.data, { mode: 0o600 });
  commands.push(`podman secret create ${secret.name} ${join(out, `${secret.name}.json`)}`);
}
for (const pod of [plan.consumer, plan.gateway]) {
  writeFileSync(join(out, `${pod.name}.yaml`), pod.yaml);
  commands.push(`podman kube play ${join(out, `${pod.name}.yaml`)}`);
}
console.log(`wrote ${out}; run:\n\n${commands.map((c) => `  ${c}`).join('\n')}\n`);
console.log(`stop:  podman pod stop -t ${plan.consumer.graceSeconds} ${plan.consumer.name}; podman pod stop -t ${plan.gateway.graceSeconds} ${plan.gateway.name}`);
console.log(`remove: podman pod rm -f ${plan.consumer.name} ${plan.gateway.name}; podman secret rm ${plan.secrets.map((s) => s.name).join(' ')}`);

// A cluster of private nodes for failover tests (the deploy and mq-core fault tests).
import { startRabbitNode, type RabbitNode, type RabbitNodeOptions } from './rabbit-node.ts';

/** A set of private nodes joined into one cluster. */
export interface RabbitCluster {
  readonly nodes: RabbitNode[];
  /** Comma-separated AMQP URLs of all nodes (the `AMQP_URL` format for clusters). */
  readonly url: string;
  dispose(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Starts `size` private nodes and joins nodes 2..n to the first (`join_cluster`). */
export async function startRabbitCluster(size = 3, options: RabbitNodeOptions = {}): Promise<RabbitCluster> {
  const nodes: RabbitNode[] = [];
  const dispose = async (): Promise<void> => {
    await Promise.all(nodes.map((node) => node.dispose()));
  };
  try {
    // Boot in parallel (allSettled, so every node that did start is disposed on a failure).
    const booted = await Promise.allSettled(Array.from({ length: size }, () => startRabbitNode(options)));
    for (const result of booted) if (result.status === 'fulfilled') nodes.push(result.value);
    const failed = booted.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    const [first, ...rest] = nodes;
    for (const node of rest) {
      await node.ctl(['stop_app']);
      await node.ctl(['join_cluster', first!.name]);
      await node.ctl(['start_app']);
    }
  } catch (error) {
    await dispose();
    throw error;
  }
  return { nodes, url: nodes.map((node) => node.url).join(','), dispose, [Symbol.asyncDispose]: dispose };
}

import { EventEmitter } from 'node:events';
import { MqError } from './errors.js';
import type {
  ConnectionOptions, ConnectionState, Consumer, ConsumerOptions, DeadLetterAdmin, MessageHandler,
  MqClientEvents, Publisher, PublisherOptions, QueueStats, Topology,
} from './types.js';

// PLACEHOLDER SURFACE: the mq core work replaces every body below. Kept compiling so the apps
// can be written against the final signatures in parallel.
const todo = (what: string): never => {
  throw new MqError('CLOSED', `${what}: not implemented yet`);
};

/** One AMQP connection with auto-reconnect, the declared topology, publishers and consumers. */
export class MqClient extends EventEmitter<MqClientEvents> {
  constructor(readonly options: ConnectionOptions) {
    super();
  }

  /** connecting, ready, blocked or closed; every change is emitted as `state` and logged once. */
  get state(): ConnectionState {
    return todo('state');
  }

  /** Resolves once ready; rejects with `NOT_CONNECTED` after `timeoutMs`. */
  waitReady(_timeoutMs: number): Promise<void> {
    return todo('waitReady');
  }

  /** Declares now (rejecting with `TOPOLOGY_MISMATCH` on a clash) and after every reconnect. */
  declare(_topology: Topology): Promise<void> {
    return todo('declare');
  }

  createPublisher(_options?: PublisherOptions): Publisher {
    return todo('createPublisher');
  }

  /** Starts consuming a declared queue; resumes by itself after reconnects. */
  createConsumer(_options: ConsumerOptions, _handler: MessageHandler): Consumer {
    return todo('createConsumer');
  }

  deadLetters(): DeadLetterAdmin {
    return todo('deadLetters');
  }

  /** Message and consumer counts of a queue (passive declare). */
  queueStats(_queue: string): Promise<QueueStats> {
    return todo('queueStats');
  }

  /** Closes consumers (with their drain timeout), publishers, then the connection. */
  close(): Promise<void> {
    return todo('close');
  }
}

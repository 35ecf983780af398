/**
 * One Prometheus naming scheme for both apps. Where the OpenTelemetry semantic conventions define
 * a metric (messaging.client.sent.messages, messaging.process.duration, http.server.request.duration,
 * ...) we use its name converted the way the OTel Prometheus exporter converts it: dots become
 * underscores, the unit becomes a suffix (`_seconds`) and counters end in `_total`. Metrics the
 * conventions do not cover use the `mq_` prefix. Labels follow the same rule (attribute name with
 * dots as underscores), and are documented in docs/observability.md.
 */
export const metricNames = {
  /** Counter: messages the gateway published and the broker confirmed (or failed: `error_type`). */
  sentMessages: 'messaging_client_sent_messages_total',
  /** Counter: messages the consumer received from the broker. */
  consumedMessages: 'messaging_client_consumed_messages_total',
  /** Histogram (s): publish call until broker confirm. */
  operationDuration: 'messaging_client_operation_duration_seconds',
  /** Histogram (s): one delivery attempt, by subscription and outcome. */
  processDuration: 'messaging_process_duration_seconds',
  /** Histogram (s): HTTP requests the app served. */
  httpServerDuration: 'http_server_request_duration_seconds',
  /** Histogram (s): HTTP requests the consumer made to the app. */
  httpClientDuration: 'http_client_request_duration_seconds',
  /** Counter: gateway publish requests by topic and HTTP status (single and batch requests alike). */
  publishRequests: 'mq_publish_requests_total',
  /** Gauge: operations in progress (publishes awaiting confirm, deliveries running). */
  inFlight: 'mq_in_flight_operations',
  /** Gauge: 1 for the current broker connection state (`state` label), 0 for the others. */
  connectionState: 'mq_connection_state',
  /** Counter: broker reconnects since start. */
  reconnects: 'mq_connection_reconnects_total',
  /** Gauge: messages ready in a subscription's work queue. */
  queueDepth: 'mq_queue_messages',
  /** Gauge: messages parked in a subscription's dead-letter queue. */
  deadLetterDepth: 'mq_dead_letter_messages',
  /** Gauge: 1 while a subscription's delivery circuit is open (consuming paused), else 0. */
  circuitOpen: 'mq_circuit_open',
  /** Counter: acks/nacks of finished deliveries that could not be sent (the broker redelivers those messages). */
  ackFailures: 'mq_ack_failures_total',
  /** Gauge: delayed messages waiting in the broker's delay levels, by level queue. */
  delayedMessages: 'mq_delayed_messages',
  /** Histogram (s): how long after its due time (`Not-Before`) a delayed message was first delivered. */
  delayLateness: 'mq_delay_lateness_seconds',
  /** Counter: gateway rate-limit decisions made per process because the shared store (Redis) failed. */
  rateLimitFallbacks: 'mq_rate_limit_fallback_total',
} as const;

export type MetricName = (typeof metricNames)[keyof typeof metricNames];

/** Prometheus label names, the semantic-convention attribute with dots as underscores. */
export const metricLabels = {
  /** Always `rabbitmq`. */
  system: 'messaging_system',
  /** Exchange (publish) or queue (consume). */
  destination: 'messaging_destination_name',
  /** `publish`, `receive`, `process`, `settle`. */
  operation: 'messaging_operation_name',
  /** Low-cardinality failure class (an MqError code, an HTTP status class, `timeout`); absent on success. */
  errorType: 'error_type',
  /** The gateway topic or consumer subscription name from mq.yaml. */
  topic: 'topic',
  subscription: 'subscription',
  /** Delivery outcome: done, retried, parked, duplicate, dropped. */
  outcome: 'outcome',
  httpMethod: 'http_request_method',
  httpRoute: 'http_route',
  httpStatus: 'http_response_status_code',
  /** Connection state: connecting, ready, blocked, closed. */
  state: 'state',
} as const;

/**
 * Histogram buckets (seconds) for messaging and HTTP durations: the OTel HTTP advice, which spans
 * a sub-millisecond confirm to a 10 s delivery timeout.
 */
export const durationBuckets: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];

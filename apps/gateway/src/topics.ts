import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';
import { ConfigError, type LoadedConfig, type TopicConfig } from '@mq/config';

/** A topic as the gateway serves it: its config plus the JSON Schema validator compiled at boot. */
export interface Topic extends TopicConfig {
  name: string;
  /** Present when the topic has a `schema`; bodies must then be JSON that matches it. */
  validate?: (data: unknown) => SchemaIssue[];
  /** The JSON Schema itself, for /openapi.json (OpenAPI 3.1 schemas are JSON Schema 2020-12). */
  jsonSchema?: object;
}

/** One schema violation, as returned in a 422's `errors`. */
export interface SchemaIssue {
  /** JSON Pointer into the body. */
  pointer: string;
  message: string;
}

const MAX_ISSUES = 10;

// ajv-formats is CommonJS with `exports.default`; under NodeNext its default import is the module.
const addFormats = addFormatsPlugin as unknown as typeof addFormatsPlugin.default;

function toIssues(errors: ErrorObject[] | null | undefined): SchemaIssue[] {
  return (errors ?? []).slice(0, MAX_ISSUES).map((e) => ({
    pointer: e.instancePath || '/',
    message: e.message ?? e.keyword,
  }));
}

function compileSchema(ajv: Ajv2020, path: string, where: string): { schema: object; validator: ValidateFunction } {
  let schema: object;
  try {
    schema = JSON.parse(readFileSync(path, 'utf8')) as object;
  } catch (err) {
    throw new ConfigError(`${where}: cannot read JSON Schema ${path}: ${(err as Error).message.split('\n')[0]}`);
  }
  try {
    return { schema, validator: ajv.compile(schema) };
  } catch (err) {
    throw new ConfigError(`${where}: invalid JSON Schema ${path}: ${(err as Error).message.split('\n')[0]}`);
  }
}

/**
 * Compiles every topic's JSON Schema once, at boot (ajv, draft 2020-12, with formats). A
 * missing or invalid schema file is a {@link ConfigError}, so the process exits 1 at boot.
 */
export function loadTopics(loaded: Pick<LoadedConfig, 'config' | 'configPath' | 'resolvePath'>): Map<string, Topic> {
  const ajv = new Ajv2020({ allErrors: false, strict: true });
  addFormats(ajv);
  const topics = new Map<string, Topic>();
  for (const [name, topic] of Object.entries(loaded.config.topics)) {
    const where = `${loaded.configPath}: topics.${name}.schema`;
    const compiled = topic.schema ? compileSchema(ajv, loaded.resolvePath(topic.schema), where) : undefined;
    const validator = compiled?.validator;
    topics.set(name, {
      ...topic,
      name,
      validate: validator && ((data) => (validator(data) ? [] : toIssues(validator.errors))),
      jsonSchema: compiled?.schema,
    });
  }
  return topics;
}

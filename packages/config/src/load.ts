import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { envSchema, type Env } from './env.js';
import { mqConfigSchema, type MqConfig } from './schema.js';

/** A configuration problem: the message is the one line printed before exiting 1. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface LoadedConfig {
  env: Env;
  config: MqConfig;
  /** Absolute path of the config file, for resolving relative paths inside it. */
  configPath: string;
  /** Reads a file named in the config, relative to the config file. */
  resolvePath(path: string): string;
}

function formatIssues(where: string, error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return `${where}: invalid`;
  const path = issue.path.length ? issue.path.join('.') : '(root)';
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
  return `${where}: ${path}: ${issue.message}${more}`;
}

export function parseEnv(source: NodeJS.ProcessEnv, defaultPort: number): Env {
  const result = envSchema(defaultPort).safeParse(source);
  if (!result.success) throw new ConfigError(formatIssues('environment', result.error));
  return result.data;
}

export function parseConfig(text: string, where: string): MqConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text); // YAML is a superset of JSON, so one parser reads both.
  } catch (err) {
    throw new ConfigError(`${where}: cannot parse: ${(err as Error).message.split('\n')[0]}`);
  }
  const result = mqConfigSchema.safeParse(raw ?? {});
  if (!result.success) throw new ConfigError(formatIssues(where, result.error));
  return result.data;
}

/** Loads env and the config file once at boot. Throws {@link ConfigError} with one clear line. */
export function loadConfig(source: NodeJS.ProcessEnv, defaultPort: number): LoadedConfig {
  const env = parseEnv(source, defaultPort);
  const configPath = resolve(env.MQ_CONFIG);
  let text: string;
  try {
    text = readFileSync(configPath, 'utf8');
  } catch (err) {
    throw new ConfigError(`${configPath}: cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const config = parseConfig(text, configPath);
  return { env, config, configPath, resolvePath: (p) => resolve(dirname(configPath), p) };
}

import { ConfigError } from '../errors.js';

/** An app setting the topic's config names, which must be set: `namedBy` says which field names it. */
export function requiredSetting(env: NodeJS.ProcessEnv, name: string, namedBy: string): string {
  const value = env[name];
  if (!value) throw new ConfigError(`the app setting ${name}, named by ${namedBy}, is not set`);
  return value;
}

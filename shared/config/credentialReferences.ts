import { z } from 'zod';

/**
 * A credential in the config is a reference, never the secret itself: the config file is deployed
 * with the app and read by infra. `example` names one in the error a wrong value gets.
 */
export function appSettingNameOf(example: string) {
  return z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, `an app setting name, such as ${example}`);
}

/** A Secrets Manager secret's ARN; `example` ends the sample ARN in the error a wrong value gets. */
export function secretArnOf(example: string) {
  return z
    .string()
    .regex(
      /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:\S+$/,
      `an ARN of secretsmanager, such as arn:aws:secretsmanager:eu-west-1:123456789012:secret:${example}`,
    );
}

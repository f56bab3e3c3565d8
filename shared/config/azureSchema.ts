import { z } from 'zod';

/** Names of existing Azure resources the deployment refers to, checked early so a typo fails at generation. */
const eventHubNamespaceName = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9-]{4,48}[A-Za-z0-9]$/,
    'an Event Hubs namespace name (6-50 letters, digits and "-"), without ".servicebus.windows.net"',
  );
const resourceGroupName = z
  .string()
  .regex(/^[-\w.()]{0,89}[-\w()]$/, 'a resource group name: letters, digits, "-", "_", ".", "(" and ")"');
const keyVaultName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9-]{1,22}[A-Za-z0-9]$/, 'a Key Vault name: 3-24 letters, digits and "-"');
const keyVaultSecretName = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,127}$/, 'a Key Vault secret name: letters, digits and "-"');
const brokerList = z
  .string()
  .regex(
    /^[A-Za-z0-9.-]+:\d{1,5}(,[A-Za-z0-9.-]+:\d{1,5})*$/,
    'a comma-separated broker list such as b1.kafka.example.com:9093,b2.kafka.example.com:9093',
  );

/**
 * The window sizes an Azure Monitor log search alert accepts (minutes); the alert query runs over
 * exactly that window, so other values would be rejected at deployment rather than here.
 */
const ALERT_WINDOW_MINUTES = [5, 10, 15, 30, 45, 60, 120, 180, 240, 300, 360, 1440] as const;
const alertWindowMinutes = z.literal(ALERT_WINDOW_MINUTES);

/**
 * How a topic captured on Azure is deployed (`npm run infra:azure` writes it into the topic's
 * parameter file for `infra/azure/main.bicep`). Only for `platform: azure` topics; an `azure` block
 * on an AWS topic is meaningless and should be rejected by the topic schema.
 *
 * @example
 * azure:
 *   eventHubNamespace: contoso-orders   # required for source: eventhub
 *   instanceMemoryMB: 2048
 *   rawRetentionDays: 30
 *   alertEmail: data-platform@contoso.com
 */
export const azureSettingsSchema = z
  .object({
    /** Flex Consumption instance size; 2048 leaves room for several 8 MiB segments being compressed at once. */
    instanceMemoryMB: z.literal([512, 2048, 4096]).default(2048),
    /** Upper bound of Flex Consumption scale-out; an event hub or topic never uses more instances than partitions. */
    maximumInstanceCount: z.number().int().min(1).max(1000).default(40),
    /** The existing Event Hubs namespace of an eventhub topic; the generator refuses an eventhub topic without it. */
    eventHubNamespace: eventHubNamespaceName.optional(),
    /** The namespace's resource group when it is not the one the app is deployed to. */
    eventHubResourceGroup: resourceGroupName.optional(),
    /** The resource group of the namespace holding an Azure Schema Registry (`registry.kind: azure`), when it is not the app's. */
    schemaRegistryResourceGroup: resourceGroupName.optional(),
    /** The brokers of a kafka topic (the value of the app setting named by `kafka.brokerList`). */
    kafkaBrokers: brokerList.optional(),
    /** The SASL user name (the value of the app setting named by `kafka.username`); not a secret. */
    kafkaUsername: z.string().min(1).optional(),
    /**
     * The Key Vault secret holding the SASL password, referenced from the app setting so the password
     * is never in a file or a deployment. Without it, pass `kafkaPassword` to the deployment instead.
     */
    kafkaPasswordSecret: z
      .object({
        keyVault: keyVaultName,
        secret: keyVaultSecretName,
        /** The vault's resource group when it is not the one the app is deployed to. */
        resourceGroup: resourceGroupName.optional(),
      })
      .strict()
      .optional(),
    /** Raw and dead-letter objects are deleted this many days after they were written; absent keeps them. */
    rawRetentionDays: z.number().int().min(1).optional(),
    /** Staging leftovers (segments of a crashed seal the timer has not cleaned) are deleted after this many days. */
    stagingRetentionDays: z.number().int().min(1).default(14),
    /** Where alerts are sent; without it the alerts fire in the portal only. */
    alertEmail: z.email().optional(),
    /** Alert when no object (on time or late) was sealed for this many minutes. */
    noSealedObjectMinutes: alertWindowMinutes.default(10),
    /** Alert when the topic stayed more than this many minutes behind for as long, and kept falling behind. */
    lagAlertMinutes: alertWindowMinutes.default(15),
  })
  .strict();

export type AzureSettings = z.infer<typeof azureSettingsSchema>;

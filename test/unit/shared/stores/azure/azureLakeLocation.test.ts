import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../../shared/errors.js';
import { azureLakeLocation } from '../../../../../shared/stores/azure/azureLakeLocation.js';
import { topicConfig } from '../../../../helpers/factories.js';

const STORAGE = { ...topicConfig().storage, connection: 'LakeStorage', container: 'lake' };

describe('Function: azureLakeLocation', () => {
  it.each([
    [
      'an account key connection string',
      {
        LakeStorage:
          'DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=a2V5;EndpointSuffix=core.windows.net',
      },
      'abfss://lake@acme.dfs.core.windows.net/',
    ],
    [
      'a connection string without EndpointSuffix',
      { LakeStorage: 'DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=a2V5' },
      'abfss://lake@acme.dfs.core.windows.net/',
    ],
    [
      'a sovereign cloud’s suffix',
      {
        LakeStorage:
          'DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=a2V5;EndpointSuffix=core.chinacloudapi.cn',
      },
      'abfss://lake@acme.dfs.core.chinacloudapi.cn/',
    ],
    [
      'a SAS connection string with a BlobEndpoint',
      { LakeStorage: 'BlobEndpoint=https://acme.blob.core.windows.net/;SharedAccessSignature=sv=2024' },
      'abfss://lake@acme.dfs.core.windows.net/',
    ],
    [
      'Azurite’s connection string',
      {
        LakeStorage:
          'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;',
      },
      'abfss://lake@devstoreaccount1.dfs.core.windows.net/',
    ],
    [
      'an Azure DNS zone endpoint',
      { LakeStorage: 'BlobEndpoint=https://acme.z12.blob.storage.azure.net/;SharedAccessSignature=sv=2024' },
      'abfss://lake@acme.z12.dfs.storage.azure.net/',
    ],
    [
      'Azurite’s host-style endpoint',
      {
        LakeStorage:
          'BlobEndpoint=http://devstoreaccount1.blob.localhost:10000/;SharedAccessSignature=sv=2024',
      },
      'abfss://lake@devstoreaccount1.dfs.core.windows.net/',
    ],
    [
      'a custom domain beside the AccountName',
      { LakeStorage: 'BlobEndpoint=https://lake.contoso.com/;AccountName=acme;AccountKey=a2V5' },
      'abfss://lake@acme.dfs.core.windows.net/',
    ],
    [
      'UseDevelopmentStorage=true',
      { LakeStorage: 'UseDevelopmentStorage=true' },
      'abfss://lake@devstoreaccount1.dfs.core.windows.net/',
    ],
    [
      'a managed identity’s blob service URI',
      {
        LakeStorage__blobServiceUri: 'https://acme.blob.core.windows.net',
        LakeStorage__tableServiceUri: 'https://acme.table.core.windows.net',
      },
      'abfss://lake@acme.dfs.core.windows.net/',
    ],
  ])('gives the abfss root of %s', (_, env, location) => {
    // Act & Assess
    expect(azureLakeLocation(STORAGE, env)).toBe(location);
  });

  it.each([
    [
      'no setting at all',
      {},
      /set the app setting LakeStorage to a storage connection string, or LakeStorage__blobServiceUri/,
    ],
    [
      'a connection string naming no account',
      { LakeStorage: 'SharedAccessSignature=sv=2024' },
      /names no AccountName or BlobEndpoint/,
    ],
    [
      'a blob service URI that is no URL',
      { LakeStorage__blobServiceUri: 'acme' },
      /LakeStorage__blobServiceUri is not a URL/,
    ],
    [
      'a custom domain without an AccountName',
      {
        LakeStorage: 'BlobEndpoint=https://lake.contoso.com/?sig=c2VjcmV0;SharedAccessSignature=sig=c2VjcmV0',
      },
      /host lake\.contoso\.com is no blob endpoint of a storage account/,
    ],
  ])('refuses %s with a ConfigError naming the setting', (_, env, message) => {
    // Act
    const locate = () => azureLakeLocation(STORAGE, env);

    // Assess
    expect(locate).toThrow(ConfigError);
    expect(locate).toThrow(message);
    expect(locate).not.toThrow(/c2VjcmV0/);
  });
});

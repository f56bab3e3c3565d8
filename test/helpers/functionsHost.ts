import Module from 'node:module';

/** What the Functions host would receive for one registered function. */
export interface HostRegistration {
  readonly name: string;
  readonly bindings: Record<string, Record<string, unknown>>;
  readonly retryOptions?: Record<string, unknown>;
  readonly handler: (...args: unknown[]) => unknown;
}

/**
 * Stands in for `@azure/functions-core`, the module the Node worker injects into a running app. With it,
 * `app.generic()` runs its real conversion to host metadata (binding types, directions, data types,
 * retry) and hands the result here instead of to the host.
 */
export function captureHostRegistrations(): { registrations: HostRegistration[]; restore(): void } {
  const registrations: HostRegistration[] = [];
  const fakeCore = {
    version: '4.0.0-test',
    registerFunction(metadata: Omit<HostRegistration, 'handler'>, handler: HostRegistration['handler']) {
      registrations.push({ ...metadata, handler });
      return { dispose() {} };
    },
    setProgrammingModel() {},
    registerHook() {
      return { dispose() {} };
    },
    log() {},
  };
  const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const originalLoad = loader._load;
  loader._load = function load(this: unknown, request: string, ...rest: unknown[]) {
    return request === '@azure/functions-core' ? fakeCore : originalLoad.call(this, request, ...rest);
  };
  return {
    registrations,
    restore() {
      loader._load = originalLoad;
    },
  };
}

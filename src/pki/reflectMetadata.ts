// The three Reflect metadata functions tsyringe (the dependency container inside @peculiar/x509) checks for at load
// time. The project has no `reflect-metadata` package; @peculiar/x509 registers its classes explicitly and reads no
// TypeScript decorator metadata, so a small WeakMap store is all it needs. Import this module before @peculiar/x509.
type Key = unknown;
const store = new WeakMap<object, Map<Key, unknown>>();
const reflect = Reflect as unknown as Record<string, unknown>;

if (typeof reflect.getMetadata !== "function") {
  const own = (target: object, key: Key) => store.get(target)?.get(key);
  reflect.defineMetadata = (key: Key, value: unknown, target: object) => {
    const entries = store.get(target) ?? new Map<Key, unknown>();
    entries.set(key, value);
    store.set(target, entries);
  };
  reflect.getOwnMetadata = own;
  reflect.getMetadata = (key: Key, target: object) => {
    for (let t: object | null = target; t; t = Object.getPrototypeOf(t)) {
      const value = own(t, key);
      if (value !== undefined) return value;
    }
    return undefined;
  };
}

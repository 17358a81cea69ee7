// A small typed event emitter for the local server's parts. A listener that throws never reaches
// the emitter's caller (a box's reply must not wait for, or fail by, a listener): the error is
// handed to `onListenerError` and the other listeners still run.

/** Event name -> the one argument its listeners get. */
export type EventMap = Record<string, unknown>;

export type Listener<T> = (event: T) => void;

export class Emitter<M extends EventMap> {
  private readonly listeners = new Map<keyof M, Set<Listener<never>>>();

  constructor(private readonly onListenerError: (name: string, error: Error) => void = () => undefined) {}

  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof M>(name: K, listener: Listener<M[K]>): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  /** True when someone listens to `name` (callers skip building an event nobody reads). */
  has(name: keyof M): boolean {
    return (this.listeners.get(name)?.size ?? 0) > 0;
  }

  emit<K extends keyof M>(name: K, event: M[K]): void {
    const set = this.listeners.get(name);
    if (!set) return;
    for (const l of [...set]) {
      try {
        (l as Listener<M[K]>)(event);
      } catch (e) {
        this.onListenerError(String(name), e instanceof Error ? e : new Error(String(e)));
      }
    }
  }
}

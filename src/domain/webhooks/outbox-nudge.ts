import type { Store, WriteRepositories } from '../../store/port.js';

/**
 * The store with one addition: after a write that enqueued webhook deliveries commits,
 * `nudge` is called, so the delivery worker sends them at once instead of at its next poll.
 * Called only after the commit (never for a rolled-back write).
 */
export function notifyOnEnqueue(store: Store, nudge: () => void): Store {
  return {
    ...store,
    async write<T>(fn: (repos: WriteRepositories) => Promise<T>): Promise<T> {
      let enqueued = 0;
      const result = await store.write((repos) =>
        fn({
          ...repos,
          outbox: {
            async enqueue(scope, event) {
              const n = await repos.outbox.enqueue(scope, event);
              enqueued += n;
              return n;
            },
            async enqueueMany(scope, events) {
              const n = await repos.outbox.enqueueMany(scope, events);
              enqueued += n;
              return n;
            },
          },
        }),
      );
      if (enqueued > 0) nudge();
      return result;
    },
  };
}

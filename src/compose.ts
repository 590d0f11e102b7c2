import type { Config } from './config.js';
import { accountService } from './domain/accounts/account-service.js';
import { customerService } from './domain/customers/customer-service.js';
import type { Store } from './store/port.js';

/** The composition root: every service gets exactly the dependencies it uses. */
export function createServices(store: Store, config: Pick<Config, 'apiKeyCacheMs'>) {
  return {
    accounts: accountService(store, { keyCacheMs: config.apiKeyCacheMs }),
    customers: customerService({ store }),
  };
}

export type Services = ReturnType<typeof createServices>;

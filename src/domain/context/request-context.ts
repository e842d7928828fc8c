import type { UnitOfWork } from '../../infra/db/unit-of-work.js';
import type { Role } from './role.js';

/** Who is calling: the token's subject, tenant and roles. */
export interface Actor {
  id: string;
  tenantId: string;
  roles: readonly Role[];
}

/**
 * Passed first to every service call: the tenant and actor, the unit of work (one transaction,
 * tenant-scoped by row-level security), the request's clock and its DataLoaders.
 */
export class RequestContext {
  private readonly loaders = new Map<unknown, unknown>();
  /** Accounts whose patient identifiers this request returned: audited once, before commit. */
  readonly phiReads = new Set<string>();
  /** Which PHI fields those were (patientId, patientName, …), for the same audit event. */
  readonly phiFields = new Set<string>();

  /** Records that this response carries PHI field `field` of account `accountId`. */
  readPhi(accountId: string, field: string): void {
    this.phiReads.add(accountId);
    this.phiFields.add(field);
  }

  /**
   * Where reporting reads (KPIs, trends, reports) run: a read-only unit on the read replica when
   * one is configured, else the request's own unit (same transaction, same snapshot).
   */
  readonly reads: UnitOfWork;

  constructor(
    readonly actor: Actor,
    readonly uow: UnitOfWork,
    readonly requestId: string,
    /** The request's "now": every age and deadline in one response is relative to the same instant. */
    readonly now: Date = new Date(),
    reads?: UnitOfWork,
  ) {
    this.reads = reads ?? uow;
  }

  get tenantId(): string {
    return this.actor.tenantId;
  }

  /** A per-request loader, created on first use from its factory (the factory is the map key). */
  loader<L>(factory: (ctx: RequestContext) => L): L {
    let loader = this.loaders.get(factory) as L | undefined;
    if (!loader) {
      loader = factory(this);
      this.loaders.set(factory, loader);
    }
    return loader;
  }
}

import type { Principal } from '@cgtlink/domain/access/index';

/** What every service call knows about the request it serves. */
export interface RequestContext {
  principal: Principal;
  requestId: string;
}

import type { OrganizationKind, Role } from './roles';

/** Who is acting: every service call and every scoped query carries one. */
export interface Principal {
  userId: string;
  username: string;
  displayName: string;
  role: Role;
  organizationId: string;
  organizationKind: OrganizationKind;
  /** Set only for patient accounts: the one patient record they are bound to. */
  patientId: string | null;
}

import { type OrganizationKind, organizationKindFor, ROLES, type Role } from '@cgtlink/domain/access/index';

/** Roles an account in this kind of organization may hold (domain policy: organizationKindFor). */
export function rolesFor(org: { kind: OrganizationKind } | undefined): Role[] {
  return org ? ROLES.filter((role) => organizationKindFor(role) === org.kind) : [];
}

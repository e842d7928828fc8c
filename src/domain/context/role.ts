/** What a caller may do. A token carries one or more roles; see the role matrix in README.md. */
export enum Role {
  ADMIN = 'ADMIN',
  ANALYST = 'ANALYST',
  APPROVER = 'APPROVER',
  AUDITOR = 'AUDITOR',
  PARTNER = 'PARTNER',
  BI = 'BI',
  JOB_RUNNER = 'JOB_RUNNER',
}

export const ALL_ROLES = Object.values(Role);

export function parseRoles(value: unknown): Role[] | null {
  if (!Array.isArray(value)) return null;
  const roles = value.filter((r): r is Role => typeof r === 'string' && (ALL_ROLES as string[]).includes(r));
  return roles.length === value.length ? roles : null;
}

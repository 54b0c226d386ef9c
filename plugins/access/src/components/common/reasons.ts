import type { AccessReason, RoleMembership } from '@cocrm/plugin-access-common';
import type { AccessTranslate } from './i18n';

interface ReasonContext {
  t: AccessTranslate;
  departmentName: (ref: string) => string;
}

/** Why someone has a role, in words an admin reads without knowing the data model. */
export function describeMembership(m: RoleMembership, ctx: ReasonContext): string {
  switch (m.kind) {
    case 'user':
      return ctx.t('effective.reasonDirect');
    case 'catalog':
      return ctx.t('effective.reasonCatalog');
    case 'department':
      // inheritedFrom is the ancestor that holds the role "含下级部门"; that is the department to name
      return m.inheritedFrom
        ? ctx.t('effective.reasonInherited', { department: ctx.departmentName(m.inheritedFrom) })
        : ctx.t('effective.reasonDepartment', { department: ctx.departmentName(m.departmentRef) });
    default:
      return '';
  }
}

/** Why a permission or field rule applies. `withRole` is off where the role is already named. */
export function describeReason(r: AccessReason, ctx: ReasonContext, withRole = true): string {
  switch (r.via) {
    case 'role': {
      const via = describeMembership(r.membership, ctx);
      return withRole ? ctx.t('effective.reasonRole', { role: r.roleName, via }) : via;
    }
    case 'user-grant':
      return ctx.t('effective.reasonUserGrant');
    case 'department-grant':
      return r.inheritedFrom
        ? ctx.t('effective.reasonDepartmentGrantInherited', { department: ctx.departmentName(r.inheritedFrom) })
        : ctx.t('effective.reasonDepartmentGrant', { department: ctx.departmentName(r.departmentRef) });
    default:
      return '';
  }
}

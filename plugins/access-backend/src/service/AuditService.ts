import type { Writable } from 'node:stream';
import { AuditEntry, AuditQuery, Page, suiteAuditExportPermission, suiteAuditReadPermission } from '@cocrm/plugin-access-common';
import { AUDIT_FILE_NAME, AuditLabels, OrgDirectory, shanghaiDay, writeAuditWorkbook } from '@cocrm/plugin-access-node';
import { AuditStore } from '../database/AuditStore';
import { Guard } from './Guard';
import { RequestContext } from './RequestContext';
import { SYSTEM_ACTOR } from './seedAccess';

const LABELS: AuditLabels = {
  recordTypes: {
    role: { 'zh-CN': '角色', en: 'Role' },
    grant: { 'zh-CN': '授权', en: 'Grant' },
    handover: { 'zh-CN': '工作移交', en: 'Handover' },
  },
  actions: {
    'member-added': { 'zh-CN': '添加成员', en: 'Member added' },
    'member-removed': { 'zh-CN': '移除成员', en: 'Member removed' },
    'defaults-applied': { 'zh-CN': '应用默认授权', en: 'Defaults applied' },
    completed: { 'zh-CN': '移交完成', en: 'Handed over' },
    failed: { 'zh-CN': '移交失败', en: 'Handover failed' },
  },
};

/** The access plugin's audit log: every change of roles, grants and handovers. */
export class AuditService {
  constructor(
    private readonly store: AuditStore,
    private readonly guard: Guard,
    private readonly org: OrgDirectory,
  ) {}

  async list(query: AuditQuery, ctx: RequestContext): Promise<Page<AuditEntry>> {
    await this.guard.require(suiteAuditReadPermission, ctx);
    return this.store.list(query);
  }

  /** Checks the permission first, so a refusal is still a JSON answer and not half a file. */
  async export(query: AuditQuery, ctx: RequestContext): Promise<{ filename: string; write: (out: Writable) => Promise<void> }> {
    await this.guard.require(suiteAuditExportPermission, ctx);
    const org = await this.org.snapshot();
    const system = ctx.locale === 'en' ? 'System' : '系统';
    const actorName = (ref: string) => {
      if (ref === SYSTEM_ACTOR) return system;
      const user = org.users.get(ref);
      return user ? `${user.displayName} (${ref})` : ref;
    };
    return {
      filename: `${AUDIT_FILE_NAME[ctx.locale]}-${shanghaiDay(new Date())}.xlsx`,
      write: out => writeAuditWorkbook(out, this.store.batches(query), ctx.locale, actorName, LABELS),
    };
  }
}

import { Knex } from 'knex';
import type { SuiteMailService } from '@cocrm/plugin-mail-node';
import type { InstanceStore } from '../database/InstanceStore';
import { instanceFromRow } from '../database/rows';
import type { DocumentTypeRegistry } from '../service/FlowService';
import { DocumentSummary, summarize } from './documentSummary';
import { escapeHtml } from './html';
import type { MailApprovalService } from './MailApprovalService';
import type { PeopleDirectory } from './people';
import { text } from './texts';

const t = (key: Parameters<typeof text>[1], vars?: Record<string, string | number>) => text('zh-CN', key, vars);

/** `2026-11-29 10:00` in China time: what a reader there expects to see. */
function chinaTime(at: Date): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(at)
      .map(p => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

export interface ApprovalMail {
  subject: string;
  text: string;
  html: string;
}

/** The mail's text and HTML (everything escaped), from the summary and the links. */
export function composeApprovalMail(input: {
  summary: DocumentSummary;
  nodeName: string;
  onBehalfOf: string | null;
  links: { approve: string; reject: string; portal: string };
  expiresAt: Date;
}): ApprovalMail {
  const { summary: s, links } = input;
  const subject = s.amount
    ? t('mailSubjectAmount', { type: s.typeLabel, title: s.title, amount: s.amount })
    : t('mailSubject', { type: s.typeLabel, title: s.title });
  const lead = input.onBehalfOf
    ? t('mailLeadBehalf', { applicant: s.applicant, type: s.typeLabel, name: input.onBehalfOf })
    : t('mailLead', { applicant: s.applicant, type: s.typeLabel });
  const rows: Array<[string, string]> = [
    [t('fieldType'), s.typeLabel],
    [t('fieldTitle'), s.title],
    ...(s.amount ? [[t('fieldAmount'), s.amount] as [string, string]] : []),
    [t('fieldApplicant'), s.applicant],
    ...(s.department ? [[t('fieldDepartment'), s.department] as [string, string]] : []),
    ...s.fields.map(f => [f.label, f.value] as [string, string]),
    [t('fieldNode'), input.nodeName],
  ];
  const expiry = t('mailExpiry', { time: chinaTime(input.expiresAt) });
  const approve = t('decisionApprove');
  const reject = t('decisionReject');

  const textBody = [
    lead,
    '',
    ...rows.map(([k, v]) => `${k}：${v}`),
    '',
    t('mailActions'),
    `${approve}：${links.approve}`,
    `${reject}：${links.reject}`,
    expiry,
    '',
    t('mailPortal'),
    links.portal,
    '',
    t('mailFooter'),
    '',
  ].join('\n');

  const e = escapeHtml;
  const button = (href: string, label: string, color: string) =>
    `<a href="${e(href)}" style="display:inline-block;padding:8px 20px;margin-right:12px;border-radius:4px;background:${color};color:#fff;text-decoration:none">${e(label)}</a>`;
  const html = `<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${e(subject)}</title></head>
<body style="font-family:-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;color:#222;line-height:1.6">
<p>${e(lead)}</p>
<table style="border-collapse:collapse;margin:12px 0">
${rows.map(([k, v]) => `<tr><th style="text-align:left;padding:4px 16px 4px 0;color:#666;font-weight:normal;vertical-align:top">${e(k)}</th><td style="padding:4px 0">${e(v)}</td></tr>`).join('\n')}
</table>
<p>${e(t('mailActions'))}</p>
<p>${button(links.approve, approve, '#2e7d32')}${button(links.reject, reject, '#c62828')}</p>
<p style="color:#666;font-size:13px">${e(expiry)}</p>
<p>${e(t('mailPortal'))} <a href="${e(links.portal)}">${e(links.portal)}</a></p>
<p style="color:#999;font-size:12px">${e(t('mailFooter'))}</p>
</body></html>
`;
  return { subject, text: textBody, html };
}

/**
 * Writes the approval mail of a pending task: to its assignee's catalog mail
 * address, with fresh single-use links. A task that moved on since the outbox
 * row was written gets no mail (its new state wrote its own row).
 */
export class ApprovalMailer {
  constructor(
    private readonly deps: {
      knex: Knex;
      mail: SuiteMailService;
      instances: InstanceStore;
      documentTypes: DocumentTypeRegistry;
      people: PeopleDirectory;
      approvals: MailApprovalService;
    },
  ) {}

  async send(payload: { instanceId: string; taskId: string; taskVersion: number }): Promise<'sent' | 'skipped'> {
    const { instances, knex } = this.deps;
    const task = await instances.task(knex, payload.taskId);
    if (!task || task.status !== 'pending' || Number(task.version) !== payload.taskVersion) return 'skipped';
    const row = await instances.get(task.instance_id);
    if (!row || row.status !== 'running') return 'skipped';
    const address = await this.deps.people.email(task.assignee);
    if (!address) return 'skipped';
    const instance = instanceFromRow(row);
    const name = await this.deps.people.names();
    const node = await instances.node(knex, task.node_id);
    const links = await this.deps.approvals.issue(task);
    const mail = composeApprovalMail({
      summary: summarize(instance, this.deps.documentTypes.get(instance.documentType), name, 'zh-CN'),
      nodeName: node?.name ?? '',
      onBehalfOf: task.on_behalf_of ? name(task.on_behalf_of) : null,
      links: { approve: links.approve, reject: links.reject, portal: this.deps.approvals.portalUrl(instance.id) },
      expiresAt: links.expiresAt,
    });
    await this.deps.mail.send({ to: [address], ...mail, headers: { 'Auto-Submitted': 'auto-generated' } });
    return 'sent';
  }
}

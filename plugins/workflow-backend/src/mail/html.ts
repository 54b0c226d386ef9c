import type { AccessLocale } from '@cocrm/plugin-access-common';
import type { MailActionView } from './MailApprovalService';
import { MAIL_COMMENT_MAX } from './MailApprovalService';
import { text } from './texts';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, c => ENTITIES[c]);
}

/** The mail-action pages allow nothing but their inline style and posting back to themselves. */
export const MAIL_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";

const STYLE = `body{font-family:-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;color:#222;background:#f5f5f5;margin:0;padding:24px}
main{max-width:560px;margin:0 auto;background:#fff;border-radius:8px;padding:24px;box-shadow:0 1px 3px rgba(0,0,0,.15)}
h1{font-size:20px;margin:0 0 16px}th{text-align:left;color:#666;font-weight:normal;padding:4px 16px 4px 0;vertical-align:top}td{padding:4px 0}
table{border-collapse:collapse;margin:12px 0}textarea{width:100%;box-sizing:border-box;min-height:80px;font:inherit;margin:4px 0 16px}
button{font:inherit;padding:8px 24px;border:0;border-radius:4px;color:#fff;cursor:pointer}.approve{background:#2e7d32}.reject{background:#c62828}
.error{color:#c62828}a{color:#1565c0}`;

function page(locale: AccessLocale, title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main>
${body}
</main></body></html>
`;
}

function summaryTable(locale: AccessLocale, view: MailActionView): string {
  const t = (key: Parameters<typeof text>[1]) => text(locale, key);
  const s = view.summary;
  const rows: Array<[string, string]> = [
    [t('fieldType'), s.typeLabel],
    [t('fieldTitle'), s.title],
    ...(s.amount ? [[t('fieldAmount'), s.amount] as [string, string]] : []),
    [t('fieldApplicant'), s.applicant],
    ...(s.department ? [[t('fieldDepartment'), s.department] as [string, string]] : []),
    ...s.fields.map(f => [f.label, f.value] as [string, string]),
    ...(view.nodeName ? [[t('fieldNode'), view.nodeName] as [string, string]] : []),
  ];
  return `<table>${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>`;
}

const decisionText = (locale: AccessLocale, view: MailActionView) => text(locale, view.decision === 'approve' ? 'decisionApprove' : 'decisionReject');

/** GET: what the link would do, and a form that does it. */
export function confirmationPage(locale: AccessLocale, view: MailActionView): string {
  const decision = decisionText(locale, view);
  const behalf = view.onBehalfOf ? `<p>${escapeHtml(text(locale, 'onBehalfOf', { name: view.onBehalfOf }))}</p>` : '';
  return page(
    locale,
    text(locale, 'pageConfirmTitle'),
    `<h1>${escapeHtml(text(locale, 'pageConfirmTitle'))}</h1>
<p>${escapeHtml(text(locale, 'pageConfirmLead', { decision }))}</p>
${behalf}${summaryTable(locale, view)}
<form method="post">
<label for="comment">${escapeHtml(text(locale, 'pageComment'))}</label>
<textarea id="comment" name="comment" maxlength="${MAIL_COMMENT_MAX}"></textarea>
<button type="submit" class="${view.decision}">${escapeHtml(text(locale, 'pageConfirm', { decision }))}</button>
</form>
<p><a href="${escapeHtml(view.portalUrl)}">${escapeHtml(text(locale, 'pagePortal'))}</a></p>`,
  );
}

/** POST succeeded: 已同意 / 已驳回. */
export function resultPage(locale: AccessLocale, view: MailActionView): string {
  const title = text(locale, view.decision === 'approve' ? 'pageDoneApprove' : 'pageDoneReject');
  return page(
    locale,
    title,
    `<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(text(locale, 'pageDoneLead'))}</p>
${summaryTable(locale, view)}
<p><a href="${escapeHtml(view.portalUrl)}">${escapeHtml(text(locale, 'pagePortal'))}</a></p>`,
  );
}

/** Why the link does not (or no longer) work. */
export function errorPage(locale: AccessLocale, error: { message: string; spent: boolean; portalUrl?: string }): string {
  const title = text(locale, 'pageErrorTitle');
  return page(
    locale,
    title,
    `<h1>${escapeHtml(title)}</h1>
<p class="error">${escapeHtml(error.message)}</p>
${error.spent ? `<p>${escapeHtml(text(locale, 'tokenSpent'))}</p>` : ''}
${error.portalUrl ? `<p><a href="${escapeHtml(error.portalUrl)}">${escapeHtml(text(locale, 'pagePortal'))}</a></p>` : ''}`,
  );
}

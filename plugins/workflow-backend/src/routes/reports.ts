import express from 'express';
import Router from 'express-promise-router';
import { attachmentDisposition } from '@cocrm/plugin-access-node';
import { workflowReportReadPermission } from '@cocrm/plugin-workflow-common';
import type { BasicPermission } from '@backstage/plugin-permission-common';
import type { RequestContext } from '../router';
import type { ReportService } from '../service/ReportService';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** 审批报表 `GET /reports` and its workbook `GET /reports/export`, for holders of `workflow.report.read`. */
export function createReportRoutes(deps: {
  reports: ReportService;
  ctx: (req: express.Request) => Promise<RequestContext>;
  authorize: (c: RequestContext, permission: BasicPermission) => Promise<void>;
}) {
  const { reports, ctx, authorize } = deps;
  const router = Router();

  router.get('/reports', async (req, res) => {
    await authorize(await ctx(req), workflowReportReadPermission);
    res.json(await reports.report(req.query));
  });
  router.get('/reports/export', async (req, res) => {
    const c = await ctx(req);
    await authorize(c, workflowReportReadPermission);
    const { filename, write } = await reports.export(req.query, c.locale);
    res.setHeader('Content-Type', XLSX);
    res.setHeader('Content-Disposition', attachmentDisposition(filename));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    await write(res);
    res.end();
  });
  return router;
}

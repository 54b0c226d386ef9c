import express, { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { AuditorService, HttpAuthService } from '@backstage/backend-plugin-api';
import {
  localeFromAcceptLanguage,
  auditQuerySchema,
  handoverRequestSchema,
  roleCreateSchema,
  roleMemberCreateSchema,
  roleUpdateSchema,
} from '@cocrm/plugin-access-common';
import { attachmentDisposition } from '@cocrm/plugin-access-node';
import { AccessError, accessErrorHandler, parseInput } from './errors';
import { RequestContext } from './service/RequestContext';
import { RoleService } from './service/RoleService';
import { GrantService, directGrantInputSchema, grantListQuerySchema } from './service/GrantService';
import { UserAccessService } from './service/UserAccessService';
import { HandoverService } from './service/HandoverService';
import { AuditService } from './service/AuditService';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  auditor: AuditorService;
  roles: RoleService;
  grants: GrantService;
  users: UserAccessService;
  handovers: HandoverService;
  audit: AuditService;
}

const uuid = z.string().uuid();
const versionQuerySchema = z.object({ version: z.coerce.number('required').int('invalidValue') });
const pageQuerySchema = z.object({
  page: z.coerce.number('invalidValue').int('invalidValue').min(0, 'invalidValue').max(100_000, 'invalidValue').default(0),
  pageSize: z.coerce.number('invalidValue').int('invalidValue').min(1, 'invalidValue').max(200, 'invalidValue').default(25),
});


/**
 * HTTP API of 系统设置. Each route parses its input, resolves who is calling
 * and hands over to one service method; services enforce permissions.
 */
export function createRouter(options: RouterOptions): express.Router {
  const { httpAuth, auditor } = options;
  const router = Router();
  router.use(express.json({ limit: '1mb' }));

  const ctx = async (req: Request, allow: Array<'user' | 'service'> = ['user', 'service']): Promise<RequestContext> => {
    const credentials = await httpAuth.credentials(req, { allow });
    const principal = credentials.principal as { type: string; userEntityRef?: string; subject?: string };
    return {
      credentials,
      actor: principal.userEntityRef ?? `service:${principal.subject ?? 'unknown'}`,
      userRef: principal.type === 'user' ? principal.userEntityRef : undefined,
      locale: localeFromAcceptLanguage(req.get('accept-language')),
    };
  };
  const id = (req: Request, name: string, notFound: 'roleNotFound' | 'memberNotFound' | 'grantNotFound') => {
    const value = req.params[name];
    if (!uuid.safeParse(value).success) throw new AccessError(404, notFound);
    return value;
  };
  /** Mutations also go to Backstage's auditor, next to the access plugin's own log. */
  const audited = async <T>(req: Request, eventId: string, fn: () => Promise<T>): Promise<T> => {
    const event = await auditor.createEvent({ eventId, request: req, severityLevel: 'medium' });
    try {
      const result = await fn();
      await event.success();
      return result;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  };

  // 模型与组织
  router.get('/model', async (req, res) => {
    await ctx(req);
    res.json(options.users.model());
  });
  router.get('/org', async (req, res) => {
    await ctx(req, ['user']);
    res.json(await options.users.orgView());
  });
  router.get('/users/:userRef/compiled', async (req, res) => {
    res.json(await options.users.compiled(req.params.userRef, await ctx(req)));
  });
  router.get('/users/:userRef/effective', async (req, res) => {
    res.json(await options.users.effective(req.params.userRef, await ctx(req)));
  });

  // 角色
  router.get('/role-holders/:key', async (req, res) => {
    res.json(await options.users.roleHolders(req.params.key, await ctx(req)));
  });
  router.get('/roles', async (req, res) => {
    res.json(await options.roles.list(await ctx(req)));
  });
  router.post('/roles', async (req, res) => {
    const c = await ctx(req);
    const input = parseInput(roleCreateSchema, req.body);
    res.status(201).json(await audited(req, 'role-create', () => options.roles.create(input, c)));
  });
  router.get('/roles/:id', async (req, res) => {
    res.json(await options.roles.get(id(req, 'id', 'roleNotFound'), await ctx(req)));
  });
  router.patch('/roles/:id', async (req, res) => {
    const c = await ctx(req);
    const input = parseInput(roleUpdateSchema, req.body);
    res.json(await audited(req, 'role-update', () => options.roles.update(id(req, 'id', 'roleNotFound'), input, c)));
  });
  router.delete('/roles/:id', async (req, res) => {
    const c = await ctx(req);
    const { version } = parseInput(versionQuerySchema, req.query);
    await audited(req, 'role-delete', () => options.roles.remove(id(req, 'id', 'roleNotFound'), version, c));
    res.status(204).end();
  });
  router.get('/roles/:id/members', async (req, res) => {
    res.json(await options.roles.members(id(req, 'id', 'roleNotFound'), await ctx(req)));
  });
  router.post('/roles/:id/members', async (req, res) => {
    const c = await ctx(req);
    const input = parseInput(roleMemberCreateSchema, req.body);
    res.status(201).json(await audited(req, 'role-member-add', () => options.roles.addMember(id(req, 'id', 'roleNotFound'), input, c)));
  });
  router.delete('/roles/:id/members/:memberId', async (req, res) => {
    const c = await ctx(req);
    const roleId = id(req, 'id', 'roleNotFound');
    const memberId = id(req, 'memberId', 'memberNotFound');
    await audited(req, 'role-member-remove', () => options.roles.removeMember(roleId, memberId, c));
    res.status(204).end();
  });

  // 直接授权
  router.get('/grants', async (req, res) => {
    res.json(await options.grants.list(parseInput(grantListQuerySchema, req.query), await ctx(req)));
  });
  router.post('/grants', async (req, res) => {
    const c = await ctx(req);
    const input = parseInput(directGrantInputSchema, req.body);
    res.status(201).json(await audited(req, 'grant-create', () => options.grants.create(input, c)));
  });
  router.delete('/grants/:id', async (req, res) => {
    const c = await ctx(req);
    const { version } = parseInput(versionQuerySchema, req.query);
    await audited(req, 'grant-delete', () => options.grants.remove(id(req, 'id', 'grantNotFound'), version, c));
    res.status(204).end();
  });

  // 审计日志
  router.get('/audit', async (req, res) => {
    res.json(await options.audit.list(parseInput(auditQuerySchema, req.query), await ctx(req)));
  });
  router.get('/audit/export', async (req, res) => {
    const c = await ctx(req);
    const query = parseInput(auditQuerySchema, req.query);
    const { filename, write } = await audited(req, 'audit-export', () => options.audit.export(query, c));
    res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    res.setHeader('Content-Disposition', attachmentDisposition(filename));
    await write(res);
    res.end();
  });

  // 工作移交
  router.post('/handovers/preview', async (req, res) => {
    const c = await ctx(req);
    res.json(await options.handovers.preview(parseInput(handoverRequestSchema, req.body), c));
  });
  router.post('/handovers', async (req, res) => {
    const c = await ctx(req);
    const input = parseInput(handoverRequestSchema, req.body);
    res.status(201).json(await audited(req, 'handover-execute', () => options.handovers.execute(input, c)));
  });
  router.get('/handovers', async (req, res) => {
    res.json(await options.handovers.list(parseInput(pageQuerySchema, req.query), await ctx(req)));
  });

  router.use(accessErrorHandler);
  return router;
}

import { GrantStore } from '../database/GrantStore';
import { RoleStore } from '../database/RoleStore';
import { AccessDataCache } from './AccessDataCache';

describe('AccessDataCache', () => {
  it('reuses the tables for two seconds, then reads again; a local write reads again at once', async () => {
    let clock = 0;
    const loadForCompile = jest.fn(async () => ({ roles: [], members: [] }));
    const list = jest.fn(async () => []);
    const cache = new AccessDataCache({ loadForCompile } as unknown as RoleStore, { list } as unknown as GrantStore, 2_000, () => clock);

    await cache.get();
    clock = 1_999;
    await cache.get();
    expect(loadForCompile).toHaveBeenCalledTimes(1);
    clock = 2_000;
    await cache.get();
    expect(loadForCompile).toHaveBeenCalledTimes(2);
    cache.invalidate();
    await cache.get();
    expect(loadForCompile).toHaveBeenCalledTimes(3);
    expect(list).toHaveBeenCalledTimes(3);
  });

  it('does not keep a failed read', async () => {
    const loadForCompile = jest.fn().mockRejectedValueOnce(new Error('db down')).mockResolvedValue({ roles: [], members: [] });
    const cache = new AccessDataCache({ loadForCompile } as unknown as RoleStore, { list: async () => [] } as unknown as GrantStore, 2_000, () => 0);
    await expect(cache.get()).rejects.toThrow('db down');
    await expect(cache.get()).resolves.toEqual({ roles: [], members: [], directGrants: [] });
  });
});

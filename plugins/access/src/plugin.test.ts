import plugin from './plugin';

describe('access plugin', () => {
  it('registers its page as page:access (the id the app sidebar takes) and its API', () => {
    expect(plugin.id).toBe('access');
    expect(plugin.getExtension('page:access')).toBeDefined();
    expect(plugin.getExtension('api:access')).toBeDefined();
  });
});

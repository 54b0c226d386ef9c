import plugin from './plugin';

describe('workflow plugin', () => {
  it('registers its page as page:workflow (the id the app sidebar takes) and its API', () => {
    expect(plugin.id).toBe('workflow');
    expect(plugin.getExtension('page:workflow')).toBeDefined();
    expect(plugin.getExtension('api:workflow')).toBeDefined();
  });
});

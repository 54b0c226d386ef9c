import plugin from './plugin';

describe('mail plugin', () => {
  it('registers its page as page:mail (the id the app sidebar takes) and its API', () => {
    expect(plugin.id).toBe('mail');
    expect(plugin.getExtension('page:mail')).toBeDefined();
    expect(plugin.getExtension('api:mail')).toBeDefined();
  });
});

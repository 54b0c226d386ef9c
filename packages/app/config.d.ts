export interface Config {
  app?: {
    signIn?: {
      /**
       * How users sign in: `demo` shows the demo user chooser (proxied `demo`
       * provider), `microsoft` uses the Microsoft auth provider.
       * @visibility frontend
       */
      mode?: 'demo' | 'microsoft';
    };
  };
}

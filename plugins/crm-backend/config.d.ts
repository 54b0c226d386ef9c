export interface Config {
  crm?: {
    demoData?: {
      /** JSON file with demo customers, contacts, relations and visits, loaded once into an empty database. */
      file?: string;
    };
  };
}

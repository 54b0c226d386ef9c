export interface Config {
  cocrm?: {
    /** Where the LDAP org provider (catalog.providers.ldapOrg) finds what the suite needs. */
    ldap?: {
      /** User attribute with the DN of the direct supervisor. Default `manager`. */
      supervisorAttribute?: string;
      /** Group attribute with the DN of the department leader. Default `owner`. */
      leaderAttribute?: string;
      /** User attribute with the job title. Default `title`. */
      titleAttribute?: string;
    };
    /** Where the Microsoft Graph org provider (catalog.providers.microsoftGraphOrg) finds it. */
    msgraph?: {
      /**
       * Group property holding the leader's object id, mail or userPrincipalName, e.g. a
       * directory extension `extension_<appId>_leader` (add it to the provider's
       * `group.select`). Unset: the leader is the group's owner (`group.expand: owners`).
       */
      leaderProperty?: string;
    };
  };
}
